import { type RecordStageResult, recordStages } from '../../pipeline/record-stages';
import type { HubspotObject } from './client';
import { type ContactStageChange, contactStageProperties, mapHubspotContactStages } from './contact-stages';
import type { HubspotIntakeDeps } from './intake-deps';

/**
 * Contacts whose lifecycle stage changed (webhook events) or that the backfill found → the stages their
 * lead reached, recorded once each. The contacts are read from HubSpot's API for their lead ID; without
 * API access a contact's lead is unknown and nothing is recorded (logged). An API failure throws
 * RetryableError before anything is written, so HubSpot's retry redoes the work.
 */
export async function recordContactStages(
  changes: readonly ContactStageChange[],
  deps: Pick<
    HubspotIntakeDeps,
    | 'store'
    | 'client'
    | 'stages'
    | 'contactLeadIdProperty'
    | 'defaultPhoneCountry'
    | 'now'
    | 'logger'
    | 'metrics'
    | 'inline'
    | 'apiDeadline'
  >,
  found?: ReadonlyMap<string, HubspotObject>,
): Promise<RecordStageResult[]> {
  const stages = deps.stages ?? [];
  if (changes.length === 0 && (found?.size ?? 0) === 0) return [];
  if (!deps.client && !found) {
    deps.logger.warn('contact lifecycle changes need HUBSPOT_ACCESS_TOKEN to find their lead; ignored', {
      contacts: changes.length,
    });
    return [];
  }
  const leadIdProperty = deps.contactLeadIdProperty ?? 'lead_id';
  const contacts =
    found ??
    (await deps.client?.readContacts(
      changes.map((change) => change.contactId),
      { properties: contactStageProperties(stages, leadIdProperty), deadline: deps.apiDeadline },
    )) ??
    new Map<string, HubspotObject>();
  const byContact = new Map(changes.map((change) => [change.contactId, change]));
  const now = deps.now();
  const inputs = [...contacts.values()].flatMap((contact) =>
    mapHubspotContactStages(contact, byContact.get(contact.id), {
      stages,
      leadIdProperty,
      defaultPhoneCountry: deps.defaultPhoneCountry,
      now,
    }),
  );
  return recordStages(deps.store, inputs, deps.now, {
    metrics: deps.metrics,
    claimUntil: deps.inline?.claimUntil,
  });
}
