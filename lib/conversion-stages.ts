import * as v from 'valibot';
import type { StageDefinition, StageValueRule } from './domain';
import { optionalText } from './settings';

/**
 * CONVERSION_STAGES: a JSON array of funnel stages in funnel order (README "Funnel stages"), validated at
 * start-up. A bad entry is named by its index and field (`CONVERSION_STAGES[2].value.fixed`), every bad one
 * at once. Pure: the pipeline slice in lib/config.ts reads the variable and hands its text here.
 */
const VARIABLE = 'CONVERSION_STAGES';

const crmValues = v.optional(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(256))), []);
const part = <TEntries extends v.ObjectEntries>(entries: TEntries) => v.optional(v.strictObject(entries));
const matching = (pattern: RegExp, message: string) => v.pipe(v.string(), v.regex(pattern, message));

const StageEntrySchema = v.strictObject({
  name: matching(/^[a-z0-9_]{1,40}$/, 'must match [a-z0-9_]{1,40}'),
  onLeadCaptured: v.optional(v.boolean()),
  hubspot: part({ dealStages: crmValues, lifecycleStages: crmValues }),
  salesforce: part({ opportunityStages: crmValues, leadStatuses: crmValues }),
  // Checked by valueSchemaOf once the entry parses, so a bad field is named within its own form.
  value: v.optional(v.unknown()),
  google: part({ conversionAction: matching(/^\d+$/, 'must be a numeric ID') }),
  // Meta's event_name is free text (50 characters keep it whole in Events Manager); GA4's a letter first,
  // letters, digits and _, at most 40.
  meta: part({
    eventName: matching(/^[A-Za-z0-9_ -]{1,50}$/, 'must be 1–50 letters, digits, _, - or spaces'),
  }),
  ga4: part({ eventName: matching(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'must be a GA4 event name') }),
  tiktok: part({ eventName: matching(/^[A-Za-z0-9_]{1,50}$/, 'must be a TikTok event name') }),
});
type StageEntry = v.InferOutput<typeof StageEntrySchema>;

const FixedValueSchema = v.strictObject({
  fixed: v.pipe(v.number('must be a number'), v.finite(), v.minValue(0, 'must be 0 or more')),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')),
});
const FractionValueSchema = v.strictObject({
  fractionOfAmount: v.pipe(
    v.number('must be a number'),
    v.gtValue(0, 'must be more than 0'),
    v.maxValue(1, 'must be at most 1'),
  ),
});

/** `{"fractionOfAmount"}` when it names one, else `{"fixed", "currency"}`: each reports its own fields. */
function valueSchemaOf(value: unknown) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return 'fractionOfAmount' in value ? FractionValueSchema : FixedValueSchema;
}

/** `CONVERSION_STAGES[2].value.fixed` for an issue at index 2, path value → fixed. */
function fieldName(index: number, issue: v.BaseIssue<unknown>, within?: string): string {
  let name = `${VARIABLE}[${index}]${within === undefined ? '' : `.${within}`}`;
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') name += `[${key}]`;
    else if (typeof key === 'string') name += `.${key}`;
  }
  return name;
}

const OPTIONAL_PARTS = ['hubspot', 'salesforce', 'value', 'google', 'meta', 'ga4', 'tiktok'] as const;

function toDefinition(entry: StageEntry): StageDefinition {
  const definition: Record<string, unknown> = {
    name: entry.name,
    onLeadCaptured: entry.onLeadCaptured ?? false,
  };
  for (const part of OPTIONAL_PARTS) if (entry[part] !== undefined) definition[part] = entry[part];
  return definition as StageDefinition;
}

/** The same CRM value in two stages would make the funnel ambiguous: named at the second one. */
function duplicateValueProblems(definitions: readonly StageDefinition[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  definitions.forEach((definition, index) => {
    for (const crm of ['hubspot', 'salesforce'] as const) {
      for (const [list, values] of Object.entries(definition[crm] ?? {}) as [string, string[]][]) {
        values.forEach((value, position) => {
          const key = `${crm}.${list}|${value}`;
          const owner = seen.get(key);
          if (owner !== undefined && owner !== definition.name) {
            problems.push(
              `${VARIABLE}[${index}].${crm}.${list}[${position}]: "${value}" already belongs to stage "${owner}"`,
            );
          }
          seen.set(key, definition.name);
        });
      }
    }
  });
  return problems;
}

/** The stages, or every problem named by index and field. */
export function parseConversionStages(
  text: string | undefined,
): { ok: true; stages: StageDefinition[] } | { ok: false; problems: string[] } {
  if (text === undefined) return { ok: true, stages: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // reported below
  }
  if (!Array.isArray(parsed)) return { ok: false, problems: [`${VARIABLE} must be a JSON array of stages`] };
  const problems: string[] = [];
  const stages: StageDefinition[] = [];
  const names = new Map<string, number>();
  parsed.forEach((entry: unknown, index) => {
    const result = v.safeParse(StageEntrySchema, entry, { abortEarly: false });
    if (!result.success) {
      for (const issue of result.issues) problems.push(`${fieldName(index, issue)}: ${issue.message}`);
      return;
    }
    if (result.output.value !== undefined) {
      const schema = valueSchemaOf(result.output.value);
      if (!schema) {
        problems.push(`${VARIABLE}[${index}].value: must be {"fixed", "currency"} or {"fractionOfAmount"}`);
        return;
      }
      const value = v.safeParse(schema, result.output.value, { abortEarly: false });
      if (!value.success) {
        for (const issue of value.issues)
          problems.push(`${fieldName(index, issue, 'value')}: ${issue.message}`);
        return;
      }
    }
    const earlier = names.get(result.output.name);
    if (earlier !== undefined) {
      problems.push(`${VARIABLE}[${index}].name: "${result.output.name}" is already stage ${earlier}`);
      return;
    }
    names.set(result.output.name, index);
    stages.push(toDefinition(result.output));
  });
  // Indexes of the duplicates are the entries' own only when every entry parsed.
  if (problems.length === 0) problems.push(...duplicateValueProblems(stages));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, stages };
}

/** The pipeline slice's entry: the variable's text → the stages, or an issue per problem. */
export const conversionStagesSetting = v.pipe(
  optionalText,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const result = parseConversionStages(dataset.value);
    if (result.ok) return result.stages;
    for (const problem of result.problems) addIssue({ message: problem });
    return NEVER;
  }),
);
