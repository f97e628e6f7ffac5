import type { ClickIds, LeadRecord } from '../domain';
import type { ClickIdsInput, Context, User } from '../events/common';
import type { CroctLeadGenerated } from '../events/croct-lead-generated';
import type { LeadCreatedEvent } from '../events/lead-created';
import { type ExplicitClickIds, extractClickIds, mergeClickIds, sanitisePageUrl } from './click-ids';
import { toConsentRecord } from './consent';
import { hashIdentity, type IdentityOptions, mergeHashedIdentity } from './identity';

/** A lead as one capture event describes it, before it is merged with what is already stored. */
export type LeadCapture = Omit<LeadRecord, 'revision' | 'updatedAt'>;

function explicitClickIds(input: ClickIdsInput | undefined): ExplicitClickIds {
  if (!input) return {};
  // The Meta lead ID is the lead's, not a click's: kept beside the click IDs (metaLeadIdOf).
  const { ga_client_id, meta_lead_id: _metaLeadId, ...rest } = input;
  return { ...rest, ...(ga_client_id ? { gaClientId: ga_client_id } : {}) };
}

/**
 * What a capture keeps of the seed's `context`: click IDs (URL and explicit cookies), the page URL without
 * its query, IP and user agent. Shared by leads and orders.
 */
export function captureContext(context: Context | undefined, capturedAt: number) {
  const clickIds: ClickIds = extractClickIds({
    url: context?.url,
    explicit: explicitClickIds(context?.click_ids),
    capturedAtMs: capturedAt,
  });
  const pageUrl = context?.url ? sanitisePageUrl(context.url) : undefined;
  return {
    clickIds,
    ...(pageUrl ? { pageUrl } : {}),
    ...(context?.ip ? { ipAddress: context.ip } : {}),
    ...(context?.user_agent ? { userAgent: context.user_agent } : {}),
  };
}

/** Meta's Instant Form lead ID the sender put in `context.click_ids.meta_lead_id`, when there is one. */
function metaLeadIdOf(context: Context | undefined): { metaLeadId?: string } {
  const metaLeadId = context?.click_ids?.meta_lead_id;
  return metaLeadId ? { metaLeadId } : {};
}

/** The seed's User Object as stored: every identifier normalised per platform and hashed. */
export function hashUserIdentity(user: User | undefined, options: IdentityOptions = {}) {
  return hashIdentity(
    {
      emails: [user?.email],
      phones: [user?.phone],
      firstName: user?.first_name,
      lastName: user?.last_name,
      street: user?.street,
      city: user?.city,
      region: user?.region,
      postalCode: user?.postal_code,
      country: user?.country,
    },
    options,
  );
}

/** A DATA Reshape `lead_created` as a lead capture: identifiers hashed, click IDs extracted. */
export function captureFromReshape(
  event: LeadCreatedEvent,
  receivedAt: number,
  options: IdentityOptions = {},
): LeadCapture {
  const capturedAt = event.event.timestamp ?? receivedAt;
  const user = event.user;
  const consent = toConsentRecord(event.consent);
  return {
    leadId: event.event.id,
    source: 'reshape',
    capturedAt,
    ...captureContext(event.context, capturedAt),
    ...metaLeadIdOf(event.context),
    identity: hashUserIdentity(user, options),
    ...(user?.id ? { userId: user.id } : {}),
    ...(consent ? { consent } : {}),
    ...(event.event.value !== undefined ? { value: event.event.value } : {}),
    ...(event.event.currency ? { currency: event.event.currency } : {}),
  };
}

/** A Croct `leadGenerated` as a lead capture; alternate email and phone are kept as extra identifiers. */
export function captureFromCroct(
  event: CroctLeadGenerated,
  receivedAt: number,
  options: IdentityOptions = {},
): LeadCapture {
  const capturedAt = event.timestamp ?? receivedAt;
  const lead = event.lead;
  const consent = toConsentRecord(event.consent);
  return {
    leadId: event.leadId,
    source: 'croct',
    capturedAt,
    ...captureContext(event.context, capturedAt),
    ...metaLeadIdOf(event.context),
    identity: hashIdentity(
      {
        emails: [lead?.email, lead?.alternateEmail],
        phones: [lead?.phone, lead?.alternatePhone],
        firstName: lead?.firstName,
        lastName: lead?.lastName,
        street: lead?.address?.street,
        city: lead?.address?.city,
        region: lead?.address?.state ?? lead?.address?.region,
        postalCode: lead?.address?.postalCode,
        country: lead?.address?.country,
        gender: lead?.gender,
        birthDate: lead?.birthDate,
      },
      options,
    ),
    ...(consent ? { consent } : {}),
    ...(event.value !== undefined ? { value: event.value } : {}),
    ...(event.currency ? { currency: event.currency } : {}),
  };
}

/**
 * A re-sent lead updates the stored one: the latest capture wins field by field, but click IDs and
 * identifiers are only ever added (a later page view without the gclid must not erase it), and the
 * capture time stays the first one, when the click happened.
 */
export function mergeLead(previous: LeadRecord | undefined, capture: LeadCapture, now: number): LeadRecord {
  if (!previous) return { ...capture, revision: 1, updatedAt: now };
  return {
    ...previous,
    ...capture,
    capturedAt: Math.min(previous.capturedAt, capture.capturedAt),
    clickIds: mergeClickIds(previous.clickIds, capture.clickIds),
    identity: mergeHashedIdentity(previous.identity, capture.identity),
    revision: previous.revision + 1,
    updatedAt: now,
  };
}
