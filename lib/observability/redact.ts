/**
 * Redaction for the two ways personal data or a secret could leave the connector: a log line (`redact`,
 * the logger's last line of defence: whatever a caller passes to it goes through here) and a platform's
 * error message (`redactMessage`: stored as a delivery's `lastError`, shown by the status report, logged).
 * Both mask credentials and email addresses wherever they appear. Messages are scrubbed harder, since they
 * are stored and platforms echo the offending value back ("Invalid email: jane@example.com"): every hash
 * and every long run of digits goes too, and they are kept short. Logs keep SHA-256 hashes, IDs and counts,
 * which are what makes them useful, and mask by key name instead.
 */
export const REDACTED = '[redacted]';

// Google OAuth access tokens (ya29.) and Meta access tokens (EAA…), wherever they appear.
const PLATFORM_TOKEN = /\b(ya29\.|EAA)[\w.-]+/g;
// An Authorization header's credential: the scheme stays, so the line still says what was sent.
const AUTHORIZATION = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const QUERY_SECRET =
  /([?&](?:access_token|api_secret|api_key|key|token|client_secret|refresh_token)=)[^&\s"]+/gi;
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;

/** Masks what no text may carry, in either vocabulary. */
function maskCredentialsAndEmails(text: string, token: string, email: string): string {
  return text
    .replace(PLATFORM_TOKEN, token)
    .replace(AUTHORIZATION, `$1 ${token}`)
    .replace(QUERY_SECRET, `$1${token}`)
    .replace(EMAIL, email);
}

// Logs: a run of 7–15 digits with the usual separators and an optional +: a phone number, not an ID
// (IDs here are long hex hashes, UUIDs or prefixed strings, which this does not match).
const PHONE = /(?<![\w.])\+?\(?\d[\d\s().-]{6,18}\d(?![\w.])/g;

function redactString(value: string): string {
  return maskCredentialsAndEmails(value, REDACTED, REDACTED).replace(PHONE, (match) =>
    match.replace(/\D/g, '').length >= 7 ? REDACTED : match,
  );
}

const MAX_DEPTH = 8;

const SENSITIVE_KEY =
  /(e-?mail|phone|^ph$|^em$|^fn$|^ln$|first_?name|last_?name|given_?name|family_?name|full_?name|street|address|^city$|postal|zip|birth|token|secret|password|passwd|authori[sz]ation|api[-_]?key|signature|cookie|credential|session_?id|^ip$|ip_?address|user_?agent)/i;

/** A log value with keys that name personal data or secrets masked, and strings scrubbed. */
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

// Messages: phone-like runs, a + or 7+ digits with separators. Account and pixel IDs are digits too; they
// are ours, not a person's, but telling them apart is not worth the risk.
const DIGIT_RUN = /\+?\d[\d\s().-]{6,}\d/g;
// 32+ hex characters: a hash of an identifier, or a token.
const LONG_HEX = /\b[0-9a-f]{32,}\b/gi;

export const MAX_MESSAGE_LENGTH = 300;

/** A platform message fit to store and log: what was removed is named (`[email]`), and it is kept short. */
export function redactMessage(message: unknown): string {
  const text = typeof message === 'string' ? message : message === undefined ? '' : String(message);
  const scrubbed = maskCredentialsAndEmails(text, '[token]', '[email]')
    .replace(LONG_HEX, '[hash]')
    .replace(DIGIT_RUN, '[number]')
    .replace(/\s+/g, ' ')
    .trim();
  return scrubbed.length > MAX_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : scrubbed;
}
