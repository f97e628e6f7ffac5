import type { Conversion, DeliveredState } from '../destinations/types';
import {
  type ConversionSubject,
  isOrderSubject,
  isStageSubject,
  type LeadRecord,
  PUSHED_CLOSE_CRM,
} from '../domain';
import { identityOfSubject } from '../leads/same-person';

/**
 * What a destination's mapping is given for one delivery (pure). The pipeline plans, batches, uploads
 * and records closes, stages and orders alike; only here do they part: a close or a stage is joined to its
 * lead (whose identity is completed with the CRM contact's only when that contact is the same person:
 * lib/leads/same-person.ts), an order brings its own click IDs, identity and consent.
 */
export function conversionFor(
  subject: ConversionSubject,
  lead: LeadRecord | undefined,
  delivered: DeliveredState | undefined,
  now: number,
  crmDisplayNames: Readonly<Record<string, string>>,
): Conversion {
  if (isOrderSubject(subject)) {
    return {
      type: 'checkout_completed',
      order: subject,
      identity: subject.identity,
      consent: subject.consent,
      delivered,
      now,
    };
  }
  if (isStageSubject(subject)) {
    return {
      type: 'lead_stage',
      stage: subject,
      crmDisplayName: crmDisplayNames[subject.crm] ?? subject.crm,
      lead,
      // A contact that carries the lead ID in its own property is the lead's person (as a pushed close's
      // user is); a deal's contacts join only when they are the same person.
      identity: identityOfSubject(lead?.identity, subject.contactIdentity, {
        contactIsTheLead: subject.origin === 'contact',
      }),
      consent: lead?.consent ?? subject.consent,
      delivered,
      now,
    };
  }
  return {
    type: 'lead_closed',
    close: subject,
    // A source no longer registered keeps its stored name rather than losing the field.
    crmDisplayName: crmDisplayNames[subject.crm] ?? subject.crm,
    lead,
    identity: identityOfSubject(lead?.identity, subject.contactIdentity, {
      contactIsTheLead: subject.crm === PUSHED_CLOSE_CRM,
    }),
    consent: lead?.consent ?? subject.consent,
    delivered,
    now,
  };
}

/**
 * What a replay tells the mapping the platform holds. A conversion the platform holds as it stands now is
 * re-sent as first built — same transactionId, orderId, event_id — which the platform takes as the same
 * conversion; anything else (a re-valued, flipped or retracted one) is left to the mapping's own rules.
 */
export function deliveredForReplay(
  subject: ConversionSubject,
  delivered: DeliveredState | undefined,
): DeliveredState | undefined {
  if (!delivered || delivered.retracted) return delivered;
  const now = heldState(subject);
  const same =
    delivered.outcome === now.outcome && delivered.value === now.value && delivered.currency === now.currency;
  return same ? undefined : delivered;
}

/** Outcome, value and currency of a subject as acceptedState records them (a stage: `reached`). */
function heldState(subject: ConversionSubject): Pick<DeliveredState, 'outcome' | 'value' | 'currency'> {
  if (isOrderSubject(subject))
    return { outcome: 'purchased', value: subject.value, currency: subject.currency };
  if (isStageSubject(subject)) {
    return { outcome: 'reached', value: subject.value ?? 0, currency: subject.currency ?? '' };
  }
  return { outcome: subject.outcome, value: subject.value, currency: subject.currency };
}
