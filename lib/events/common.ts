import * as v from 'valibot';
import { isIsoCurrency, MAX_AMOUNT } from '../domain/money';

/**
 * Building blocks shared by the DATA Reshape events (reference/seeds/reshape-*.txt) and the Croct
 * `leadGenerated` payload. Unknown keys are stripped rather than rejected so senders can add fields
 * without breaking, and nothing unvalidated reaches the store.
 */

/** No control characters: IDs become parts of storage keys and log fields. */
const printable = v.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const IdSchema = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(128, 'must be at most 128 characters'),
  printable,
);

export const TextSchema = v.pipe(v.string(), v.maxLength(1024, 'must be at most 1024 characters'), printable);

export const CurrencySchema = v.pipe(
  v.string(),
  v.trim(),
  v.toUpperCase(),
  v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD'),
  // The shape alone lets `ZZZ` or `BTC` through; the platforms take ISO 4217 codes only.
  v.check(isIsoCurrency, 'must be an ISO 4217 currency code like USD'),
);

export const AmountSchema = v.pipe(
  v.number('must be a number'),
  v.finite('must be a finite number'),
  v.minValue(0, 'must not be negative'),
  // Beyond it DynamoDB refuses the number (a 500 after part of a batch was written) and amounts collide.
  v.maxValue(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`),
);

/** Any other number the connector keeps: finite and exactly representable. */
export const StorableNumberSchema = v.pipe(
  v.number('must be a number'),
  v.finite('must be a finite number'),
  v.minValue(-MAX_AMOUNT, `must be at least -${MAX_AMOUNT}`),
  v.maxValue(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`),
);

// 2000-01-01 … 2100-01-01 UTC: a capture or close outside it is a typo or a placeholder (0000, 9999).
const MIN_TIMESTAMP = 946_684_800_000;
const MAX_TIMESTAMP = 4_102_444_800_000;

/** Capture or close time: epoch milliseconds or an ISO 8601 date-time (a connector extension), 2000–2100. */
export const TimestampSchema = v.pipe(
  v.union(
    [v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.isoTimestamp())],
    'must be epoch milliseconds or an ISO 8601 date-time',
  ),
  v.transform((value) => (typeof value === 'number' ? value : Date.parse(value))),
  v.check(
    (ms) => Number.isFinite(ms) && ms >= MIN_TIMESTAMP && ms <= MAX_TIMESTAMP,
    'must lie between 2000-01-01 and 2100-01-01',
  ),
);

/** Seed: consent{analytics, personalization, marketing} required booleans, id optional. */
export const ConsentSchema = v.object({
  analytics: v.boolean(),
  personalization: v.boolean(),
  marketing: v.boolean(),
  id: v.optional(TextSchema),
  /** Google Consent Mode v2 signals, when the sender has them; otherwise derived from `marketing`. */
  ad_user_data: v.optional(v.boolean()),
  ad_personalization: v.optional(v.boolean()),
});
export type Consent = v.InferOutput<typeof ConsentSchema>;

/** Seed "User Object": every field optional; identifiers arrive in plaintext and are hashed on capture. */
export const UserSchema = v.object({
  id: v.optional(IdSchema),
  email: v.optional(TextSchema),
  phone: v.optional(TextSchema),
  first_name: v.optional(TextSchema),
  last_name: v.optional(TextSchema),
  country: v.optional(TextSchema),
  region: v.optional(TextSchema),
  city: v.optional(TextSchema),
  street: v.optional(TextSchema),
  postal_code: v.optional(TextSchema),
  orders_total_number: v.optional(AmountSchema),
  orders_canceled_number: v.optional(AmountSchema),
  orders_total_value: v.optional(AmountSchema),
  orders_refunded_value: v.optional(AmountSchema),
  predicted_value: v.optional(AmountSchema),
  created_at: v.optional(StorableNumberSchema),
  properties: v.optional(v.record(v.string(), v.unknown())),
});
export type User = v.InferOutput<typeof UserSchema>;

const ClickIdValueSchema = v.pipe(
  v.string(),
  v.maxLength(1024, 'must be at most 1024 characters'),
  printable,
);

const MetaLeadIdSchema = v.pipe(
  v.union([v.string(), v.number()], "must be Meta's 15–17-digit lead ID (leadgen_id) as a string"),
  v.check(
    (value) => typeof value === 'string' || Number.isSafeInteger(value),
    'must be sent as a string: as a JSON number it has lost digits',
  ),
  v.transform((value) => String(value).trim()),
  v.regex(/^\d{15,17}$/, "must be Meta's 15–17-digit lead ID (leadgen_id)"),
);

/**
 * Click IDs and first-party cookies sent explicitly by a server-side sender (a connector extension
 * of the seed's context): they win over the same parameters in `context.url`.
 */
export const ClickIdsInputSchema = v.object({
  gclid: v.optional(ClickIdValueSchema),
  gbraid: v.optional(ClickIdValueSchema),
  wbraid: v.optional(ClickIdValueSchema),
  fbclid: v.optional(ClickIdValueSchema),
  fbc: v.optional(ClickIdValueSchema),
  fbp: v.optional(ClickIdValueSchema),
  ttclid: v.optional(ClickIdValueSchema),
  ttp: v.optional(ClickIdValueSchema),
  msclkid: v.optional(ClickIdValueSchema),
  ga_client_id: v.optional(ClickIdValueSchema),
  _fbc: v.optional(ClickIdValueSchema),
  _fbp: v.optional(ClickIdValueSchema),
  _ga: v.optional(ClickIdValueSchema),
  /** Google's click cookie `GCL.<seconds>.<gclid>`: the gclid and when it was clicked. */
  _gcl_aw: v.optional(ClickIdValueSchema),
  _ttp: v.optional(ClickIdValueSchema),
  /**
   * Meta's Instant Form (Lead Ads) lead ID (`leadgen_id`), 15–17 digits, for a lead that came through a Meta
   * lead form (a connector extension). Best sent as a string: as a JSON number above 2^53 it has already
   * lost digits.
   */
  meta_lead_id: v.optional(MetaLeadIdSchema),
});
export type ClickIdsInput = v.InferOutput<typeof ClickIdsInputSchema>;

/** Seed "Context Object" (url, page_type, environment) plus the server-side capture fields. */
export const ContextSchema = v.object({
  url: v.optional(v.pipe(v.string(), v.maxLength(4096, 'must be at most 4096 characters'))),
  page_type: v.optional(TextSchema),
  environment: v.optional(v.picklist(['prod', 'dev'], 'must be prod or dev')),
  ip: v.optional(v.pipe(v.string(), v.trim(), v.ip('must be an IPv4 or IPv6 address'))),
  user_agent: v.optional(v.pipe(v.string(), v.maxLength(1024, 'must be at most 1024 characters'))),
  click_ids: v.optional(ClickIdsInputSchema),
});
export type Context = v.InferOutput<typeof ContextSchema>;

export const PropertiesSchema = v.record(v.string(), v.unknown());
