import * as v from 'valibot';

/**
 * How a settings slice is written. Each owner of configuration (the core in lib/config.ts, each
 * destination's and each CRM's `settings.ts`) declares the variables it reads as valibot entries and
 * builds its part of the config from them; lib/config.ts parses every slice's entries in one pass, so a
 * start-up with several bad variables names all of them at once. Pure: no I/O, no env access.
 */

/** A capability switched off for want of configuration, reported once at start-up. */
export type DisabledCapability = { name: string; missing: string[] };

/** The parsed variables of a slice's entries. */
export type SliceEnv<TEntries extends v.ObjectEntries> = v.InferOutput<v.ObjectSchema<TEntries, undefined>>;

export type SettingsSlice<TKey extends string, TEntries extends v.ObjectEntries, TConfig> = {
  /** Where the built slice sits in `Config` (`config.meta`, `config.hubspot`). */
  readonly key: TKey;
  /** Every variable the slice reads; names are public (DESIGN.md's configuration contract). */
  readonly entries: TEntries;
  /** The slice from its parsed variables; what it must switch off for want of a variable goes in `disabled`. */
  build(env: SliceEnv<TEntries>, disabled: DisabledCapability[]): TConfig;
};

// biome-ignore lint/suspicious/noExplicitAny: a list of slices holds slices of any entries and config type.
export type AnySettingsSlice = SettingsSlice<string, v.ObjectEntries, any>;

/** The config object a list of slices builds: one property per slice, named by its key. */
export type SliceConfigs<TSlice extends AnySettingsSlice> = {
  [TEach in TSlice as TEach['key']]: ReturnType<TEach['build']>;
};

export function defineSettings<TKey extends string, TEntries extends v.ObjectEntries, TConfig>(
  slice: SettingsSlice<TKey, TEntries, TConfig>,
): SettingsSlice<TKey, TEntries, TConfig> {
  return slice;
}

/**
 * Builds each slice from the variables parsed by one schema of all their entries (so each slice's own
 * entries are known to be present and valid), in list order.
 */
export function buildSlices<TSlice extends AnySettingsSlice>(
  slices: readonly TSlice[],
  parsed: Readonly<Record<string, unknown>>,
  disabled: DisabledCapability[],
): SliceConfigs<TSlice> {
  return Object.fromEntries(
    slices.map((slice) => [slice.key, slice.build(parsed as SliceEnv<TSlice['entries']>, disabled)]),
  ) as SliceConfigs<TSlice>;
}

/** The names whose value is absent, for a `disabled` entry. */
export function missingNames(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
}

/**
 * The variables a capability cannot work without: all present, or the capability is recorded as disabled
 * with the absent ones named (and `undefined` is returned).
 */
export function requireAll<TValues extends Record<string, string | undefined>>(
  name: string,
  values: TValues,
  disabled: DisabledCapability[],
): { [TName in keyof TValues]: string } | undefined {
  const missing = missingNames(values);
  if (missing.length > 0) {
    disabled.push({ name, missing });
    return undefined;
  }
  return values as { [TName in keyof TValues]: string };
}

const blankToUndefined = v.transform((value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim(),
);
// `undefinedable`, not `optional`: every key is present (see loadConfig), so the output keys stay required.
export const optionalText = v.pipe(v.undefinedable(v.string()), blankToUndefined);

/** Text with a default, checked against a pattern (names of CRM fields and properties, API versions). */
export function textWithDefault(fallback: string, pattern: RegExp, message: string) {
  return v.pipe(
    optionalText,
    v.transform((value) => value ?? fallback),
    v.regex(pattern, message),
  );
}

/** Optional text that must match a pattern when set. */
export function optionalMatching(pattern: RegExp, message: string) {
  return v.pipe(optionalText, v.union([v.undefined(), v.pipe(v.string(), v.regex(pattern))], message));
}

/** One of a few words (case folded by `fold` when given), with a default. */
export function choiceWithDefault<const TChoice extends string>(
  choices: readonly [TChoice, ...TChoice[]],
  fallback: TChoice,
  message: string,
  fold: (value: string) => string = (value) => value,
) {
  return v.pipe(
    optionalText,
    v.transform((value) => (value === undefined ? fallback : fold(value))),
    v.picklist(choices, message),
  );
}

export const httpUrl = (name: string) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.url(`${name} must be an http(s) URL`),
    v.regex(/^https?:\/\//i, `${name} must be an http(s) URL`),
    v.transform((value) => value.replace(/\/+$/, '')),
  );

/** An optional http(s) URL without its trailing slash (paths join cleanly); `fallback` when unset. */
export function optionalUrl(name: string): v.GenericSchema<string | undefined, string | undefined>;
export function optionalUrl(name: string, fallback: string): v.GenericSchema<string | undefined, string>;
export function optionalUrl(
  name: string,
  fallback?: string,
): v.GenericSchema<string | undefined, string | undefined> {
  return v.pipe(
    optionalText,
    v.union([v.undefined(), httpUrl(name)], `${name} must be an http(s) URL`),
    v.transform((value) => value ?? fallback),
  );
}

export const booleanFlag = (name: string) =>
  v.pipe(
    optionalText,
    v.union(
      [v.undefined(), v.picklist(['true', 'false', '1', '0', 'yes', 'no'])],
      `${name} must be true or false`,
    ),
    v.transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );

export const positiveInteger = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    optionalText,
    v.union([v.undefined(), v.pipe(v.string(), v.regex(/^\d+$/))], `${name} must be a whole number`),
    v.transform((value) => (value === undefined ? fallback : Number(value))),
    v.number(),
    v.minValue(1, `${name} must be at least 1`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );

export const numericId = (name: string) => optionalMatching(/^\d+$/, `${name} must be a numeric ID`);
