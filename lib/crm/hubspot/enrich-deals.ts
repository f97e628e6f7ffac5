import type { HubspotClient, HubspotObject, HubspotPipeline, HubspotProperties } from './client';
import { CONTACT_PROPERTIES, classifyDealStage, dealProperties } from './map-deal';

/**
 * What the CRM API adds to deals before they are mapped, shared by the webhook (deals named by events)
 * and the backfill's polling (deals found by search): the deal pipelines only when a deal lacks HubSpot's
 * calculated flags (cached by the client), then the closed deals' first contacts — one associations batch
 * read and one contacts batch read per 100 deals.
 */
export type DealEnrichment = {
  deals: Map<string, HubspotObject>;
  pipelines: HubspotPipeline[] | undefined;
  /** The first associated contact's properties, by deal ID (closed deals only). */
  contacts: Map<string, HubspotProperties>;
};

/** Pipelines and first contacts for deals already read (by a batch read or a search page). */
export async function enrichReadDeals(
  client: HubspotClient,
  deals: Map<string, HubspotObject>,
  options: { deadline: number },
): Promise<DealEnrichment> {
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
  const contacts = new Map<string, HubspotProperties>();
  if (closedDealIds.length === 0) return { deals, pipelines, contacts };
  const associated = await client.readDealContactIds(closedDealIds, { deadline });
  // The first associated contact stands for the deal; one per deal keeps the read at one request.
  const firstContact = new Map<string, string>();
  for (const [dealId, contactIds] of associated) {
    if (contactIds[0] !== undefined) firstContact.set(dealId, contactIds[0]);
  }
  if (firstContact.size === 0) return { deals, pipelines, contacts };
  const found = await client.readContacts([...new Set(firstContact.values())], {
    properties: CONTACT_PROPERTIES,
    deadline,
  });
  for (const [dealId, contactId] of firstContact) {
    const contact = found.get(contactId);
    if (contact) contacts.set(dealId, contact.properties);
  }
  return { deals, pipelines, contacts };
}

/**
 * Reads the deals, then what `enrichReadDeals` adds: at most four requests whatever the batch size
 * (≤ 100 deals, one batch request each).
 */
export async function enrichDeals(
  client: HubspotClient,
  dealIds: readonly string[],
  options: { leadIdProperty: string; apiDeadline: number },
): Promise<DealEnrichment> {
  const deadline = options.apiDeadline;
  const deals = await client.readDeals(dealIds, {
    properties: dealProperties(options.leadIdProperty),
    deadline,
  });
  return enrichReadDeals(client, deals, { deadline });
}
