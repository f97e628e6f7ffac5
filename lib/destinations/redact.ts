/**
 * Platform error messages are stored (`lastError`) and logged. Some platforms echo the offending value
 * back ("Invalid email: jane@example.com"), so messages are scrubbed of anything that could identify a
 * person before they leave a destination client, and kept short.
 */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;
// Phone-like runs: a + or 7+ digits with separators. Account and pixel IDs are digits too; they are
// ours, not a person's, but telling them apart is not worth the risk.
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;
// 32+ hex characters: a hash of an identifier, or a token.
const LONG_HEX = /\b[0-9a-f]{32,}\b/gi;
// OAuth access tokens and similar bearer strings.
const BEARER = /\b(ya29\.|EAA)[\w.-]+/g;

export const MAX_MESSAGE_LENGTH = 300;

export function redactMessage(message: unknown): string {
  const text = typeof message === 'string' ? message : message === undefined ? '' : String(message);
  const scrubbed = text
    .replace(BEARER, '[token]')
    .replace(EMAIL, '[email]')
    .replace(LONG_HEX, '[hash]')
    .replace(PHONE, '[number]')
    .replace(/\s+/g, ' ')
    .trim();
  return scrubbed.length > MAX_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : scrubbed;
}

/** A status reason: lower-case words joined by underscores (`INVALID_ARGUMENT` → `invalid_argument`). */
export function toReason(code: string | number): string {
  const reason = String(code)
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return reason === '' ? 'unknown' : reason.slice(0, 80);
}
