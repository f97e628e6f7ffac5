import { isIsoCurrency, isStorableNumber, MAX_AMOUNT, type UnusableClose } from '../domain';

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

// Grouped thousands, either convention: "1,500,000.50" / "1.500.000,50" / "1 500 000,50". A lone
// separator is a decimal point ("1500.5", "1500,50"), except a comma before exactly three digits, which
// groups ("1,500" is 1500, as both CRMs' English-locale exports write it).
const PLAIN = /^\d+(\.\d+)?$/;
const COMMA_GROUPS = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const DOT_GROUPS = /^\d{1,3}(\.\d{3})+(,\d+)?$/;
const SPACE_GROUPS = /^\d{1,3}( \d{3})+([.,]\d+)?$/;
const COMMA_DECIMAL = /^\d+,\d+$/;
// A currency symbol or an ISO code before or after the number ("$1,500", "1.500,00 €", "EUR 1500").
const CURRENCY_MARK = /^(\p{Sc}|[A-Za-z]{3}\b)?\s*(.*?)\s*(\p{Sc}|\b[A-Za-z]{3})?$/u;

function decimalText(text: string): string | undefined {
  if (PLAIN.test(text)) return text;
  if (COMMA_GROUPS.test(text)) return text.replace(/,/g, '');
  if (DOT_GROUPS.test(text)) return text.replace(/\./g, '').replace(',', '.');
  if (SPACE_GROUPS.test(text)) return text.replace(/ /g, '').replace(',', '.');
  if (COMMA_DECIMAL.test(text)) return text.replace(',', '.');
  return undefined;
}

/**
 * What a CRM amount says, read the same way for every CRM: absent (nothing, or empty), an amount (a
 * non-negative number at most `Number.MAX_SAFE_INTEGER`, from a number or a decimal text with grouped
 * thousands and a currency symbol or code around it), or unreadable — never a silent 0.
 */
export type CrmAmount =
  | { kind: 'absent' }
  | { kind: 'amount'; value: number }
  | { kind: 'unreadable'; message: string };

export function readCrmAmount(value: unknown): CrmAmount {
  if (value === undefined || value === null) return { kind: 'absent' };
  if (typeof value === 'number') return amountOf(value);
  if (typeof value !== 'string') return { kind: 'unreadable', message: 'is not a number' };
  const text = value.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
  if (text === '') return { kind: 'absent' };
  const unmarked = CURRENCY_MARK.exec(text)?.[2] ?? text;
  const decimal = decimalText(unmarked);
  if (decimal === undefined)
    return {
      kind: 'unreadable',
      message: 'is not an amount (digits, one decimal separator, grouped thousands)',
    };
  return amountOf(Number(decimal));
}

function amountOf(number: number): CrmAmount {
  if (!Number.isFinite(number) || number < 0)
    return { kind: 'unreadable', message: 'must be a non-negative number' };
  if (!isStorableNumber(number)) return { kind: 'unreadable', message: `must be at most ${MAX_AMOUNT}` };
  return { kind: 'amount', value: number };
}

/** A deal amount as `readCrmAmount` reads it; undefined when absent or unreadable. */
export function parseAmount(value: unknown): number | undefined {
  const amount = readCrmAmount(value);
  return amount.kind === 'amount' ? amount.value : undefined;
}

/**
 * What a CRM currency says: its ISO 4217 code (upper case), the configured default when the CRM has
 * none, or — a code outside ISO 4217 (`BTC`, `ZZZ`, "euro") — the default with the reason the close
 * cannot be uploaded.
 */
export function readCrmCurrency(
  value: unknown,
  fallback: string,
  field: string,
): { currency: string; unusable?: UnusableClose } {
  if (value === undefined || value === null) return { currency: fallback };
  const code = String(value).trim().toUpperCase();
  if (code === '') return { currency: fallback };
  if (isIsoCurrency(code)) return { currency: code };
  return {
    currency: fallback,
    unusable: { reason: 'invalid_currency', message: `${field} is not an ISO 4217 currency code` },
  };
}

/** ISO 4217 code, upper case; the given fallback when the CRM has none or one outside ISO 4217. */
export function normaliseCurrency(value: unknown, fallback: string): string {
  return readCrmCurrency(value, fallback, 'currency').currency;
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
