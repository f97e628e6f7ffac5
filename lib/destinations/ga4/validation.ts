import * as v from 'valibot';
import { firstRowProblem } from '../row-validation';

/**
 * What GA4 would silently drop or cut, checked before sending (the Measurement Protocol answers 2xx to
 * anything): the limits of Google's "Measurement Protocol limitations" (see ./mapping.ts for sources).
 */
export const GA4_MAX_EVENTS = 25;
export const GA4_MAX_PARAMS = 25;
export const GA4_MAX_ITEMS = 200;
export const GA4_MAX_VALUE_LENGTH = 100;
/** "Events can be backdated up to 72 hours": older ones are dropped (or refused) by GA4. */
export const GA4_BACKDATE_WINDOW_MS = 72 * 3_600_000;

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const RESERVED_PREFIX = /^(google_|ga_|firebase_)/i;

const ParamValueSchema = v.union([
  v.pipe(v.string(), v.maxLength(GA4_MAX_VALUE_LENGTH, 'must be at most 100 characters')),
  v.pipe(v.number(), v.finite()),
  v.pipe(
    v.array(
      v.pipe(
        v.record(
          v.pipe(v.string(), v.regex(NAME, 'item parameter names: a letter, then letters, digits or _')),
          v.union([v.pipe(v.string(), v.maxLength(GA4_MAX_VALUE_LENGTH)), v.pipe(v.number(), v.finite())]),
        ),
        v.check((item) => 'item_id' in item || 'item_name' in item, 'an item needs item_id or item_name'),
      ),
    ),
    v.maxLength(GA4_MAX_ITEMS, 'at most 200 items'),
  ),
]);

const Ga4RowSchema = v.object({
  client_id: v.pipe(v.string(), v.minLength(1), v.maxLength(256), v.regex(/^[\x21-\x7e]+$/)),
  user_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  consent: v.optional(
    v.object({
      ad_user_data: v.picklist(['GRANTED', 'DENIED']),
      ad_personalization: v.picklist(['GRANTED', 'DENIED']),
    }),
  ),
  event: v.object({
    name: v.pipe(
      v.string(),
      v.regex(NAME, 'event names: a letter, then letters, digits or _, at most 40'),
      v.check((name) => !RESERVED_PREFIX.test(name), 'reserved prefix'),
    ),
    params: v.pipe(
      v.record(
        v.pipe(
          v.string(),
          v.regex(NAME, 'parameter names: a letter, then letters, digits or _, at most 40'),
          v.check((name) => !RESERVED_PREFIX.test(name), 'reserved prefix'),
        ),
        ParamValueSchema,
      ),
      v.check((params) => Object.keys(params).length <= GA4_MAX_PARAMS, 'at most 25 parameters'),
    ),
    // Microseconds: 16 digits (a millisecond value here is the classic mistake).
    timestamp_micros: v.pipe(v.number(), v.integer(), v.minValue(1_000_000_000_000_000)),
  }),
});

export function validateGa4Row(row: object): string | undefined {
  return firstRowProblem(Ga4RowSchema, row);
}
