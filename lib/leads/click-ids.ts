import { type ClickIds, parseGclAw } from '../domain';

/** Values a sender states directly, including raw cookies (`_ga`, `_fbc`, `_fbp`, `_ttp`). */
export type ExplicitClickIds = Partial<
  Record<keyof ClickIds | '_ga' | '_fbc' | '_fbp' | '_ttp' | '_gcl_aw', string>
>;

const URL_PARAMS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'ttclid', 'msclkid'] as const;
type UrlParam = (typeof URL_PARAMS)[number];

// Real ids are well under 300 characters. A longer value is a broken capture; cut short it would
// still never match, so it is dropped rather than truncated.
const MAX_CLICK_ID_LENGTH = 512;

// Meta: fbc = fb.<subdomain index 0–2>.<creation time, Unix ms>.<fbclid>. The fbclid is opaque and
// case-sensitive ("do not apply any modifications"), so only printable ASCII without spaces is asked
// of it. A seconds timestamp (10 digits) is the classic mistake this catches.
const FBC_SHAPE = /^fb\.[0-2]\.\d{13}\.[\x21-\x7e]+$/;
// Meta: fbp = fb.<subdomain index>.<creation time, Unix ms>.<random number>, with an optional
// trailing segment as written by Meta's Parameter Builder.
const FBP_SHAPE = /^fb\.[0-2]\.\d{13}\.\d+(?:\.[A-Za-z0-9_-]+)?$/;
// `_ga` cookie: GA<version>.<domain depth>.<client id = random.timestamp>.
const GA_COOKIE_SHAPE = /^GA\d+\.\d+\.(\d+\.\d+)$/;
// A line break or NUL inside an id is a broken capture, not an id.
const hasControlCharacter = (value: string) =>
  [...value].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f');

function cleanId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > MAX_CLICK_ID_LENGTH || hasControlCharacter(trimmed))
    return undefined;
  return trimmed;
}

/** `fb.<0-2>.<13-digit ms>.<fbclid>`: Meta accepts a malformed fbc silently and then matches nothing. */
export function isValidFbc(value: string): boolean {
  return typeof value === 'string' && value.length <= MAX_CLICK_ID_LENGTH && FBC_SHAPE.test(value);
}

/** `fb.<0-2>.<13-digit ms>.<random digits>`. */
export function isValidFbp(value: string): boolean {
  return typeof value === 'string' && value.length <= MAX_CLICK_ID_LENGTH && FBP_SHAPE.test(value);
}

function searchParamsOf(url: string | undefined): URLSearchParams[] {
  const value = typeof url === 'string' ? url.trim() : '';
  if (value === '') return [];
  // A bare query string ("gclid=abc&utm_source=x"), as some form tools send the landing query alone.
  if (!/[/:?#]/.test(value) && value.includes('=')) return [new URLSearchParams(value)];
  let parsed: URL;
  try {
    // The base only lets a relative URL ("/landing?gclid=…", "?gclid=…") parse; it is never used.
    parsed = new URL(value, 'https://relative.invalid');
  } catch {
    return [];
  }
  const found = [parsed.searchParams];
  // Hash-routed single-page apps carry the landing query in the fragment ("/#/offer?gclid=…").
  const fragment = parsed.hash.slice(1);
  const fragmentQuery = fragment.includes('?') ? fragment.slice(fragment.indexOf('?') + 1) : fragment;
  if (fragmentQuery.includes('=')) found.push(new URLSearchParams(fragmentQuery));
  return found;
}

function firstValue(sources: URLSearchParams[], name: UrlParam): string | undefined {
  for (const params of sources) {
    for (const value of params.getAll(name)) {
      const id = cleanId(value);
      if (id !== undefined) return id;
    }
  }
  return undefined;
}

function buildFbc(fbclid: string | undefined, capturedAtMs: number): string | undefined {
  if (fbclid === undefined || !Number.isFinite(capturedAtMs)) return undefined;
  // Subdomain index 1: the cookie would have been set on the registrable domain (Meta's own default).
  const fbc = `fb.1.${Math.trunc(capturedAtMs)}.${fbclid}`;
  return isValidFbc(fbc) ? fbc : undefined;
}

function statedFbc(explicit: ExplicitClickIds, fbclid: string | undefined): string | undefined {
  for (const candidate of [explicit.fbc, explicit._fbc]) {
    const fbc = cleanId(candidate);
    if (fbc === undefined || !isValidFbc(fbc)) continue;
    // A cookie written by an earlier ad click is stale when this visit brought a different fbclid:
    // Meta asks for the latest click ("refresh with the latest value").
    const cookieFbclid = fbc.split('.').slice(3).join('.');
    if (fbclid !== undefined && !cookieFbclid.startsWith(fbclid)) continue;
    return fbc;
  }
  return undefined;
}

function gaClientIdOf(explicitId: string | undefined, gaCookie: string | undefined): string | undefined {
  const stated = cleanId(explicitId);
  if (stated !== undefined) return GA_COOKIE_SHAPE.exec(stated)?.[1] ?? stated;
  const cookie = cleanId(gaCookie);
  return cookie === undefined ? undefined : GA_COOKIE_SHAPE.exec(cookie)?.[1];
}

function withoutUndefined(clickIds: ClickIds): ClickIds {
  return Object.fromEntries(Object.entries(clickIds).filter(([, value]) => value !== undefined)) as ClickIds;
}

/**
 * Click ids from the landing URL's query (first non-empty value of each parameter) and from what the
 * sender states; stated values win. `url` may be absolute, relative ("/p?gclid=…", "?gclid=…") or a
 * bare query string; a fragment query is read after the real query. An unparseable URL yields nothing.
 * `fbc` is the stated fbc / `_fbc` cookie when well-formed, else built from the fbclid and the capture
 * time (Meta: `fb.1.<ms>.<fbclid>`). Ids are opaque: trimmed, never re-cased; a gclid outside
 * `[A-Za-z0-9_-]` is still kept.
 */
export function extractClickIds(input: {
  url?: string;
  explicit?: ExplicitClickIds;
  capturedAtMs: number;
}): ClickIds {
  const explicit = input.explicit ?? {};
  const sources = searchParamsOf(input.url);
  const pick = (name: UrlParam) => cleanId(explicit[name]) ?? firstValue(sources, name);
  const fbclid = pick('fbclid');
  const gclAw = cleanId(explicit._gcl_aw);
  const cookie = parseGclAw(gclAw);
  const gclid = pick('gclid') ?? cookie?.gclid;
  return withoutUndefined({
    gclid,
    // Kept only when it speaks of this gclid: a cookie of an earlier click would date the wrong one.
    gclAw: cookie && cookie.gclid === gclid ? gclAw : undefined,
    gbraid: pick('gbraid'),
    wbraid: pick('wbraid'),
    fbclid,
    fbc: statedFbc(explicit, fbclid) ?? buildFbc(fbclid, input.capturedAtMs),
    fbp: [explicit.fbp, explicit._fbp].map(cleanId).find((fbp) => fbp !== undefined && isValidFbp(fbp)),
    ttclid: pick('ttclid'),
    msclkid: pick('msclkid'),
    gaClientId: gaClientIdOf(explicit.gaClientId, explicit._ga),
    ttp: cleanId(explicit.ttp) ?? cleanId(explicit._ttp),
  });
}

/**
 * Later captures add to what a lead already has: a present new value replaces the old one, a missing
 * one never erases it (a second form fill without the ad click must not lose the gclid).
 */
export function mergeClickIds(previous: ClickIds | undefined, next: ClickIds): ClickIds {
  const merged: ClickIds = { ...previous };
  for (const [key, value] of Object.entries(next) as [keyof ClickIds, string | undefined][]) {
    if (typeof value === 'string' && value !== '') merged[key] = value;
  }
  return merged;
}

/**
 * The page a lead was captured on, as origin + path: the query and fragment may carry PII (emails in
 * `?email=`, tokens) and are not needed for attribution. Undefined when not an http(s) URL.
 */
export function sanitisePageUrl(url: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return `${parsed.origin}${parsed.pathname}`;
}
