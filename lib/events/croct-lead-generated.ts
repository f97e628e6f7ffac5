import * as v from 'valibot';
import {
  AmountSchema,
  ConsentSchema,
  ContextSchema,
  CurrencySchema,
  IdSchema,
  TextSchema,
  TimestampSchema,
} from './common';

/** Croct's user reference, as far as `leadGenerated.lead` carries it (reference/seeds/croct-leadGenerated.txt). */
export const CroctLeadSchema = v.object({
  firstName: v.optional(TextSchema),
  lastName: v.optional(TextSchema),
  birthDate: v.optional(TextSchema),
  gender: v.optional(TextSchema),
  email: v.optional(TextSchema),
  alternateEmail: v.optional(TextSchema),
  phone: v.optional(TextSchema),
  alternatePhone: v.optional(TextSchema),
  address: v.optional(
    v.object({
      street: v.optional(TextSchema),
      district: v.optional(TextSchema),
      city: v.optional(TextSchema),
      state: v.optional(TextSchema),
      region: v.optional(TextSchema),
      country: v.optional(TextSchema),
      continent: v.optional(TextSchema),
      postalCode: v.optional(TextSchema),
    }),
  ),
  company: v.optional(TextSchema),
  jobTitle: v.optional(TextSchema),
  custom: v.optional(v.record(v.string(), v.unknown())),
});

/**
 * Croct `leadGenerated`. Croct makes `leadId` optional; the connector keys every lead by it, so here it
 * is required. `context`, `consent` and `timestamp` are connector extensions in the Reshape shape.
 */
export const CroctLeadGeneratedSchema = v.object({
  type: v.optional(v.literal('leadGenerated')),
  leadId: v.pipe(IdSchema, v.maxLength(100, 'must be at most 100 characters')),
  currency: v.optional(CurrencySchema),
  value: v.optional(AmountSchema),
  lead: v.optional(CroctLeadSchema),
  context: v.optional(ContextSchema),
  consent: v.optional(ConsentSchema),
  timestamp: v.optional(TimestampSchema),
});
export type CroctLeadGenerated = v.InferOutput<typeof CroctLeadGeneratedSchema>;
