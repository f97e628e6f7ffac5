import { reachedStages, type StageDefinition, type StageInput, stageInputsOf } from '../../domain';
import { parseCrmTimestamp, parseLeadId } from '../close-fields';
import type { HubspotProperties } from './client';
import { CONTACT_PROPERTIES, contactIdentityOf } from './map-deal';
import { eventAction, type SubscriptionEvent } from './webhook-payload';

/**
 * HubSpot contacts → the funnel stages their lead reached (pure). A contact reaches a stage when its
 * `lifecyclestage` enters one of the stage's `hubspot.lifecycleStages`; HubSpot keeps when it entered each
 * lifecycle stage in `hs_lifecyclestage_<stage>_date`, read with the contact. The contact carries the lead ID
 * in HUBSPOT_CONTACT_LEAD_ID_PROPERTY; a contact without one reaches nothing (its stages have no lead).
 */
const CONTACT_OBJECT_TYPE_ID = '0-1';

export type ContactStageChange = {
  contactId: string;
  value: string | undefined;
  at: number;
  eventIds: string[];
};

function isContactEvent(event: SubscriptionEvent): boolean {
  const [object] = event.subscriptionType.split('.', 1);
  return object === 'contact' || (object === 'object' && event.objectTypeId === CONTACT_OBJECT_TYPE_ID);
}

/** The batch's lifecycle-stage changes by contact (the latest of each); none when no stage lists one. */
export function contactStageChanges(
  events: readonly SubscriptionEvent[],
  stages: readonly StageDefinition[] | undefined,
): ContactStageChange[] {
  if (!(stages ?? []).some((stage) => (stage.hubspot?.lifecycleStages.length ?? 0) > 0)) return [];
  const byContact = new Map<string, ContactStageChange>();
  for (const event of events) {
    if (!isContactEvent(event) || event.objectId === undefined) continue;
    if (eventAction(event) !== 'propertyChange' || event.propertyName !== 'lifecyclestage') continue;
    const known = byContact.get(event.objectId);
    if (!known) {
      byContact.set(event.objectId, {
        contactId: event.objectId,
        value: event.propertyValue,
        at: event.occurredAt,
        eventIds: [event.eventId],
      });
      continue;
    }
    known.eventIds.push(event.eventId);
    if (event.occurredAt >= known.at)
      Object.assign(known, { value: event.propertyValue, at: event.occurredAt });
  }
  return [...byContact.values()];
}

const enteredProperty = (value: string) => `hs_lifecyclestage_${value}_date`;

/** What a contact read needs: the lead ID, the identifiers, the stage and when it entered each one. */
export function contactStageProperties(stages: readonly StageDefinition[], leadIdProperty: string): string[] {
  return [
    ...new Set([
      ...CONTACT_PROPERTIES,
      leadIdProperty,
      'lifecyclestage',
      ...stages.flatMap((stage) => (stage.hubspot?.lifecycleStages ?? []).map(enteredProperty)),
    ]),
  ];
}

export function mapHubspotContactStages(
  contact: { id: string; properties: HubspotProperties },
  change: ContactStageChange | undefined,
  context: {
    stages: readonly StageDefinition[];
    leadIdProperty: string;
    defaultPhoneCountry?: string | undefined;
    now: number;
  },
): StageInput[] {
  const properties = contact.properties;
  const leadId = parseLeadId(properties[context.leadIdProperty]);
  if (leadId === undefined) return [];
  const current = properties.lifecyclestage?.trim() || undefined;
  const enteredAt = (value: string) => parseCrmTimestamp(properties[enteredProperty(value)]);
  // The change's own time when it reports the stage the contact is in now; else HubSpot's record of it.
  const at =
    (change && change.value === current ? change.at : undefined) ??
    (current === undefined ? undefined : enteredAt(current)) ??
    parseCrmTimestamp(properties.lastmodifieddate) ??
    context.now;
  const reaches = reachedStages(context.stages, {
    valuesOf: (stage) => stage.hubspot?.lifecycleStages ?? [],
    current,
    at,
    enteredAt,
  });
  return stageInputsOf(reaches, {
    leadKey: leadId,
    leadId,
    crm: 'hubspot',
    origin: 'contact',
    recordId: contact.id,
    contactIdentity: contactIdentityOf(properties, context.defaultPhoneCountry),
    now: context.now,
  });
}
