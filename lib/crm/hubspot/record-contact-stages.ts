import { type RecordStageResult, recordStages } from '../../pipeline/record-stages';
import { type ContactStageChange, contactStageProperties, mapHubspotContactStages } from './contact-stages';
import type { HubspotIntakeDeps } from './intake-deps';

/**
 * Contacts whose lifecycle stage changed (webhook events) → the stages their
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
): Promise<RecordStageResult[]> {
  if (changes.length === 0) return [];
  if (!deps.client) {
    deps.logger.warn('contact stage changes ignored: HUBSPOT_ACCESS_TOKEN unset', {
      contacts: changes.length,
    });
    return [];
  }
  const stages = deps.stages ?? [];
  const leadIdProperty = deps.contactLeadIdProperty ?? 'lead_id';
  const contacts = await deps.client.readContacts(
    changes.map((change) => change.contactId),
    { properties: contactStageProperties(stages, leadIdProperty), deadline: deps.apiDeadline },
  );
  const byContact = new Map(changes.map((change) => [change.contactId, change]));
  const context = { stages, leadIdProperty, defaultPhoneCountry: deps.defaultPhoneCountry, now: deps.now() };
  const inputs = [...contacts.values()].flatMap((contact) =>
    mapHubspotContactStages(contact, byContact.get(contact.id), context),
  );
  return recordStages(deps.store, inputs, deps.now, {
    metrics: deps.metrics,
    claimUntil: deps.inline?.claimUntil,
  });
}
