/**
 * What a money value must be to travel: an ISO 4217 currency the runtime knows, and an amount DynamoDB and
 * the platforms hold exactly. `Intl.supportedValuesOf('currency')` is ICU's list of ISO 4217 codes in use
 * (no `XXX`, `XTS`, metals or crypto such as `BTC`); the platforms take ISO 4217 codes only.
 */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code in upper case (`USD`), as the platforms take it. */
export function isIsoCurrency(code: string): boolean {
  return ISO_4217.has(code);
}

/**
 * The largest amount (and any number) the connector stores: DynamoDB's document client refuses numbers
 * beyond `Number.MAX_SAFE_INTEGER`, and above it two amounts can no longer be told apart.
 */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

/** A number that can be stored and compared exactly: finite and within ±`Number.MAX_SAFE_INTEGER`. */
export function isStorableNumber(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= MAX_AMOUNT;
}

/**
 * Why a recorded close is not uploaded anywhere: a value the CRM sent cannot be right (an amount it could
 * not read, a currency outside ISO 4217, a close time outside 2000–2100). The close stays recorded and
 * every destination's delivery is skipped with this reason, so the status report says what to fix.
 */
export type UnusableClose = {
  reason: 'invalid_amount' | 'invalid_currency' | 'invalid_close_time';
  /** Names the CRM field; never a person's data. */
  message: string;
};

/**
 * The paths (`value`, `lines[0].price`) of every number in a record about to be stored that DynamoDB would
 * refuse: a request is checked whole before anything is written, so a derived amount (a line converted
 * between currencies) that overflows is a 400, never a 500 after part of the batch was written.
 */
export function unstorableNumberPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return isStorableNumber(value) ? [] : [path || '(value)'];
  if (Array.isArray(value))
    return value.flatMap((item, index) => unstorableNumberPaths(item, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    unstorableNumberPaths(item, path === '' ? key : `${path}.${key}`),
  );
}
