import * as v from 'valibot';
import {
  AmountSchema,
  ConsentSchema,
  ContextSchema,
  CurrencySchema,
  IdSchema,
  TextSchema,
  TimestampSchema,
  UserSchema,
} from './common';

/** The seed's closure_reason vocabulary; CRM values are mapped onto it, the raw text kept as closure_detail. */
export const CLOSURE_REASONS = [
  'lost_to_competitor',
  'no_decision',
  'price',
  'budget',
  'timing',
  'product_fit',
  'unresponsive',
  'disqualified',
  'other',
] as const;

export const LeadClosedPropertiesSchema = v.looseObject({
  close_outcome: v.optional(v.picklist(['won', 'lost'], 'must be won or lost')),
  closure_reason: v.optional(TextSchema),
  closure_detail: v.optional(TextSchema),
  competitor_name: v.optional(TextSchema),
  sales_cycle_days: v.optional(v.pipe(AmountSchema, v.integer('must be a whole number of days'))),
  deal_type: v.optional(TextSchema),
  contract_length_months: v.optional(AmountSchema),
});

/**
 * DATA Reshape `lead_closed` (reference/seeds/reshape-lead_closed.txt): event{name, value, currency, id}
 * and user are required; `event.id` is the lead ID of the original `lead_created`.
 */
export const LeadClosedEventSchema = v.object({
  event: v.object({
    name: v.literal('lead_closed'),
    value: AmountSchema,
    currency: CurrencySchema,
    id: IdSchema,
    /** When the deal closed (connector extension); the time of receipt otherwise. */
    timestamp: v.optional(TimestampSchema),
    properties: v.optional(LeadClosedPropertiesSchema),
  }),
  context: v.optional(ContextSchema),
  user: UserSchema,
  consent: v.optional(ConsentSchema),
});
export type LeadClosedEvent = v.InferOutput<typeof LeadClosedEventSchema>;
