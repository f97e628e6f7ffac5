/**
 * Last line of defence for logs: whatever a caller passes to the logger goes through here. Keys that
 * name personal data or secrets are masked whatever their value; values that look like an email
 * address, a phone number or a bearer credential are masked wherever they appear. SHA-256 hashes,
 * IDs and counts pass through, so logs stay useful.
 */
export const REDACTED = '[redacted]';

const SENSITIVE_KEY =
  /(e-?mail|phone|^ph$|^em$|^fn$|^ln$|first_?name|last_?name|given_?name|family_?name|full_?name|street|address|^city$|postal|zip|birth|token|secret|password|passwd|authori[sz]ation|api[-_]?key|signature|cookie|credential|session_?id|^ip$|ip_?address|user_?agent)/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// A run of 7–15 digits with the usual separators and an optional +: a phone number, not an ID
// (IDs here are long hex hashes, UUIDs or prefixed strings, which this does not match).
const PHONE = /(?<![\w.])\+?\(?\d[\d\s().-]{6,18}\d(?![\w.])/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const QUERY_SECRET =
  /([?&](?:access_token|api_secret|api_key|key|token|client_secret|refresh_token)=)[^&\s"]+/gi;

function redactString(value: string): string {
  return value
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(EMAIL, REDACTED)
    .replace(PHONE, (match) => (match.replace(/\D/g, '').length >= 7 ? REDACTED : match));
}

const MAX_DEPTH = 8;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] =
      SENSITIVE_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redact(item, depth + 1);
  }
  return result;
}
