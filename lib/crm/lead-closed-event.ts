import { type CloseInput, PUSHED_CLOSE_CRM } from '../domain';
import type { LeadClosedEvent } from '../events/lead-closed';
import { toConsentRecord } from '../leads/consent';
import { hasAnyIdentifier, hashIdentity } from '../leads/identity';
import { cleanCrmText } from './close-fields';
import { isClosureReason, normaliseClosureReason } from './closure-reason';

/** Closes pushed to the collect endpoint: no CRM, but a source the platforms are told of all the same. */
export const PUSHED_CLOSE_SOURCE = { name: PUSHED_CLOSE_CRM, displayName: 'API' } as const;

/**
 * A DATA Reshape `lead_closed` pushed to `POST /v1/events` → the same close a CRM webhook records
 * (pure; `crm: 'api'`). The seed's rules: `event.id` is the lead ID, `value` is the deal value when won and
 * 0 when lost. A sender that leaves out `close_outcome` (the seed's "Minimal" example) means won when the
 * value is positive and lost when it is 0.
 */
export function closeFromLeadClosedEvent(
  event: LeadClosedEvent,
  options: {
    receivedAt: number;
    closureReasonMap: Readonly<Record<string, string>>;
    /** DEFAULT_PHONE_COUNTRY: the country of a national phone number when the user has none. */
    defaultPhoneCountry?: string | undefined;
  },
): CloseInput {
  const properties = event.event.properties ?? {};
  const outcome = properties.close_outcome ?? (event.event.value > 0 ? 'won' : 'lost');
  // Without a close time from the sender, arrival is the best estimate there is.
  const closedAt = Math.min(event.event.timestamp ?? options.receivedAt, options.receivedAt);
  const reason = closureReason(
    properties.closure_reason,
    properties.closure_detail,
    options.closureReasonMap,
  );
  const user = event.user;
  const identity = hashIdentity(
    {
      emails: [user.email],
      phones: [user.phone],
      firstName: user.first_name,
      lastName: user.last_name,
      street: user.street,
      city: user.city,
      region: user.region,
      postalCode: user.postal_code,
      country: user.country,
    },
    { defaultPhoneCountry: options.defaultPhoneCountry },
  );
  const consent = toConsentRecord(event.consent);
  const close: CloseInput = {
    leadId: event.event.id,
    crm: PUSHED_CLOSE_SOURCE.name,
    outcome,
    value: outcome === 'won' ? event.event.value : 0,
    currency: event.event.currency,
    closedAt,
    // A pushed event has no CRM change time; arrival order is the only order (a later push is newer).
    sourceUpdatedAt: options.receivedAt,
    ...reason,
    ...(properties.sales_cycle_days === undefined ? {} : { salesCycleDays: properties.sales_cycle_days }),
    ...(properties.deal_type ? { dealType: cleanCrmText(properties.deal_type, 256) } : {}),
    ...(hasAnyIdentifier(identity) ? { contactIdentity: identity } : {}),
    ...(user.id ? { userId: user.id } : {}),
    ...(consent ? { consent } : {}),
  };
  return close;
}

/** A reason already in the seed's vocabulary is kept; any other text is filed like a CRM's. */
function closureReason(
  reason: string | undefined,
  detail: string | undefined,
  map: Readonly<Record<string, string>>,
): { closureReason?: string; closureDetail?: string } {
  const cleanDetail = cleanCrmText(detail);
  const cleanReason = cleanCrmText(reason);
  if (cleanReason === undefined) return cleanDetail ? { closureDetail: cleanDetail } : {};
  if (isClosureReason(cleanReason)) {
    return { closureReason: cleanReason, ...(cleanDetail ? { closureDetail: cleanDetail } : {}) };
  }
  const normalised = normaliseClosureReason(cleanReason, map);
  return { ...normalised, ...(cleanDetail ? { closureDetail: cleanDetail } : {}) };
}
