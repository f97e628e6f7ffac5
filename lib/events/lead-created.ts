import * as v from 'valibot';
import {
  AmountSchema,
  ConsentSchema,
  ContextSchema,
  CurrencySchema,
  IdSchema,
  PropertiesSchema,
  TimestampSchema,
  UserSchema,
} from './common';

/** DATA Reshape `lead_created`: the capture that a later `lead_closed` joins to by `event.id`. */
export const LeadCreatedEventSchema = v.object({
  event: v.object({
    name: v.literal('lead_created'),
    id: IdSchema,
    value: v.optional(AmountSchema),
    currency: v.optional(CurrencySchema),
    timestamp: v.optional(TimestampSchema),
    properties: v.optional(PropertiesSchema),
  }),
  context: v.optional(ContextSchema),
  user: v.optional(UserSchema),
  consent: v.optional(ConsentSchema),
});
export type LeadCreatedEvent = v.InferOutput<typeof LeadCreatedEventSchema>;
