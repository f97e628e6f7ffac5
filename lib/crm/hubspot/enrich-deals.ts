import type { StageDefinition } from '../../domain';
import type { HubspotClient, HubspotObject, HubspotPipeline, HubspotProperties } from './client';
import { CONTACT_PROPERTIES, classifyDealStage, dealProperties } from './map-deal';
import { dealStageProperties } from './map-deal-stages';

/**
 * What the CRM API adds to deals before they are mapped, shared by the webhook (deals named by events)
 * and the backfill's polling (deals found by search): the deal pipelines only when a deal lacks HubSpot's
 * calculated flags (cached by the client), then the closed deals' first contacts — one associations batch
 * read and one contacts batch read per 100 deals. The associations need only the deal IDs, so a webhook
 * that reports a close reads them beside the deals (`readDeals` with `withAssociations`): the contact read
 * then follows the deal read instead of a second round trip.
 */
export type DealEnrichment = {
  deals: Map<string, HubspotObject>;
  pipelines: HubspotPipeline[] | undefined;
  /** The first associated contact's properties, by deal ID (closed deals only). */
  contacts: Map<string, HubspotProperties>;
};

/** Contact IDs by deal, as read beside the deals; `asked` names the deals they were read for. */
export type AssociatedContacts = { asked: ReadonlySet<string>; contactIds: Map<string, string[]> };

export type DealReads = { deals: Map<string, HubspotObject>; associated?: AssociatedContacts };

/** The deals, and with `withAssociations` their contacts' IDs in the same round trip. */
export async function readDeals(
  client: HubspotClient,
  dealIds: readonly string[],
  options: {
    leadIdProperty: string;
    apiDeadline: number;
    withAssociations: boolean;
    stages?: readonly StageDefinition[] | undefined;
  },
): Promise<DealReads> {
  const deadline = options.apiDeadline;
  const properties = [...dealProperties(options.leadIdProperty), ...dealStageProperties(options.stages)];
  const [deals, contactIds] = await Promise.all([
    client.readDeals(dealIds, { properties, deadline }),
    options.withAssociations ? client.readDealContactIds(dealIds, { deadline }) : undefined,
  ]);
  return contactIds ? { deals, associated: { asked: new Set(dealIds), contactIds } } : { deals };
}

/**
 * Whether a deal's webhook values say it may be closed (won, lost, or a stage only the pipelines can
 * tell): then its contact will be needed and its associations are worth reading beside the deal. A change
 * that says the deal is open, or says nothing of its stage, waits for the deal read.
 */
export function mayBeClosed(values: HubspotProperties): boolean {
  const outcome = classifyDealStage(values, undefined);
  return outcome === 'won' || outcome === 'lost' || (outcome === 'unknown' && Boolean(values.dealstage));
}

/** Pipelines when a deal needs them, and each closed deal's first contact ID (read now unless given). */
export async function firstContactsOf(
  client: HubspotClient,
  deals: Map<string, HubspotObject>,
  options: { deadline: number; associated?: AssociatedContacts },
): Promise<{ pipelines: HubspotPipeline[] | undefined; firstContact: Map<string, string> }> {
  const { deadline } = options;
  const needsPipelines = [...deals.values()].some(
    (deal) => classifyDealStage(deal.properties, undefined) === 'unknown' && deal.properties.dealstage,
  );
  const pipelines = needsPipelines ? await client.getDealPipelines({ deadline }) : undefined;
  const closedDealIds = [...deals.values()]
    .filter((deal) => {
      const outcome = classifyDealStage(deal.properties, pipelines);
      return outcome === 'won' || outcome === 'lost';
    })
    .map((deal) => deal.id);
  const firstContact = new Map<string, string>();
  if (closedDealIds.length === 0) return { pipelines, firstContact };
  // A deal the speculative read did not ask for (its events said nothing of a close) is read now.
  const unasked = closedDealIds.filter((dealId) => !options.associated?.asked.has(dealId));
  const associated = new Map(options.associated?.contactIds ?? []);
  if (unasked.length > 0) {
    for (const [dealId, contactIds] of await client.readDealContactIds(unasked, { deadline })) {
      associated.set(dealId, contactIds);
    }
  }
  // The first associated contact stands for the deal; one per deal keeps the read at one request.
  for (const dealId of closedDealIds) {
    const contactId = associated.get(dealId)?.[0];
    if (contactId !== undefined) firstContact.set(dealId, contactId);
  }
  return { pipelines, firstContact };
}

/** The contacts' properties, by deal ID. */
export async function readFirstContacts(
  client: HubspotClient,
  firstContact: ReadonlyMap<string, string>,
  options: { deadline: number },
): Promise<Map<string, HubspotProperties>> {
  const contacts = new Map<string, HubspotProperties>();
  if (firstContact.size === 0) return contacts;
  const found = await client.readContacts([...new Set(firstContact.values())], {
    properties: CONTACT_PROPERTIES,
    deadline: options.deadline,
  });
  for (const [dealId, contactId] of firstContact) {
    const contact = found.get(contactId);
    if (contact) contacts.set(dealId, contact.properties);
  }
  return contacts;
}

/** Pipelines and first contacts for deals already read (by a batch read or a search page). */
export async function enrichReadDeals(
  client: HubspotClient,
  deals: Map<string, HubspotObject>,
  options: { deadline: number; associated?: AssociatedContacts },
): Promise<DealEnrichment> {
  const { pipelines, firstContact } = await firstContactsOf(client, deals, options);
  const contacts = await readFirstContacts(client, firstContact, options);
  return { deals, pipelines, contacts };
}

/**
 * Reads the deals, then what `enrichReadDeals` adds: at most four requests whatever the batch size
 * (≤ 100 deals, one batch request each).
 */
export async function enrichDeals(
  client: HubspotClient,
  dealIds: readonly string[],
  options: { leadIdProperty: string; apiDeadline: number; withAssociations?: boolean },
): Promise<DealEnrichment> {
  const reads = await readDeals(client, dealIds, {
    ...options,
    withAssociations: options.withAssociations ?? false,
  });
  return enrichReadDeals(client, reads.deals, {
    deadline: options.apiDeadline,
    ...(reads.associated ? { associated: reads.associated } : {}),
  });
}
