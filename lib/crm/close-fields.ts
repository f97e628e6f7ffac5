/**
 * Field-level readers shared by the CRM mappings (pure). CRMs send numbers, dates and flags as text in
 * several formats (HubSpot: epoch-ms strings in webhooks, ISO 8601 in the v3 API; Salesforce: ISO 8601 and
 * `YYYY-MM-DD` dates); each reader accepts what the platforms send and answers `undefined` for the rest.
 */

// The same plausibility window as the event schemas (lib/events/common.ts): 2000-01-01 … 2100-01-01.
const MIN_TIME = 946_684_800_000;
const MAX_TIME = 4_102_444_800_000;
const DAY_MS = 86_400_000;

const ISO_DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function plausible(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= MIN_TIME && ms <= MAX_TIME ? Math.trunc(ms) : undefined;
}

/**
 * A CRM timestamp as epoch ms: a number or digit string (epoch ms, as HubSpot webhooks send), an ISO 8601
 * date-time (HubSpot v3 API, Salesforce), or a `YYYY-MM-DD` date (Salesforce `CloseDate`), read as 00:00 UTC
 * so that a date-only close is never placed in the future.
 */
export function parseCrmTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return plausible(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{12,14}$/.test(text)) return plausible(Number(text));
  const date = ISO_DATE_ONLY.exec(text);
  if (date) return plausible(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
  if (ISO_DATE_TIME.test(text)) return plausible(Date.parse(text));
  return undefined;
}

/** A deal amount: a non-negative finite number, from a number or a decimal string ("1500.50"). */
export function parseAmount(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** ISO 4217 code, upper case; the configured default when the CRM has none or an invalid one. */
export function normaliseCurrency(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : fallback;
}

/** `true` / `false` as CRMs write them ("true", "false", booleans); anything else is unknown. */
export function parseFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

/** Whole days from deal creation to close, never negative; undefined when either end is unknown. */
export function salesCycleDays(createdAt: number | undefined, closedAt: number): number | undefined {
  if (createdAt === undefined) return undefined;
  return Math.max(0, Math.floor((closedAt - createdAt) / DAY_MS));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

/** Free CRM text (stage names, reasons, deal types): trimmed, no control characters, capped; '' → undefined. */
export function cleanCrmText(value: unknown, maxLength = 1024): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).replace(CONTROL_CHARACTERS, ' ').trim();
  if (text === '') return undefined;
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}

/**
 * A lead ID read from a CRM field. It becomes part of a storage key, so it follows the event schema's ID
 * rule (1–128 printable characters); anything else is treated as absent and the close is keyed by its deal.
 */
export function parseLeadId(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (text === '' || text.length > 128 || CONTROL_CHARACTER.test(text)) return undefined;
  return text;
}
