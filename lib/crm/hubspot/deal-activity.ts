import { parseCrmTimestamp } from '../close-fields';
import type { HubspotObject, HubspotProperties } from './client';
import { type DealLifecycleEvent, dealLifecycleEvent } from './deal-lifecycle';
import { CLOSE_RELEVANT_PROPERTIES, type HubspotDealView } from './map-deal';
import { eventAction, isDealEvent, type SubscriptionEvent, type WorkflowDeal } from './webhook-payload';

/**
 * What a webhook says about each deal (pure): the subscription events of one batch grouped by deal, with
 * the latest value of each property they carry. Events about other objects, and deal changes that cannot
 * affect a close (a note, an owner), are set aside without costing an API call.
 */
export type DealActivity = {
  dealId: string;
  /** The batch's events about this deal (their IDs become receipts once the deal is recorded). */
  eventIds: string[];
  /** Latest occurredAt among them. */
  latestAt: number;
  /** Each changed property's latest value and when it changed. */
  changes: Record<string, { value: string | undefined; at: number }>;
};

export function collectDealActivity(events: readonly SubscriptionEvent[]): {
  activity: DealActivity[];
  /** Merges, deletions and restores of deals (deal-lifecycle.ts). */
  lifecycle: DealLifecycleEvent[];
  ignoredEventIds: string[];
} {
  const byDeal = new Map<string, DealActivity>();
  const lifecycle: DealLifecycleEvent[] = [];
  const ignoredEventIds: string[] = [];
  for (const event of events) {
    const lifecycleEvent = dealLifecycleEvent(event);
    if (lifecycleEvent) {
      lifecycle.push(lifecycleEvent);
      continue;
    }
    const action = eventAction(event);
    const relevant =
      isDealEvent(event) &&
      event.objectId !== undefined &&
      (action === 'creation' ||
        (action === 'propertyChange' &&
          event.propertyName !== undefined &&
          CLOSE_RELEVANT_PROPERTIES.has(event.propertyName)));
    if (!relevant || event.objectId === undefined) {
      ignoredEventIds.push(event.eventId);
      continue;
    }
    let deal = byDeal.get(event.objectId);
    if (!deal) {
      deal = { dealId: event.objectId, eventIds: [], latestAt: event.occurredAt, changes: {} };
      byDeal.set(event.objectId, deal);
    }
    deal.eventIds.push(event.eventId);
    deal.latestAt = Math.max(deal.latestAt, event.occurredAt);
    if (action === 'propertyChange' && event.propertyName !== undefined) {
      const previous = deal.changes[event.propertyName];
      // Within a batch, the later change of a property wins (HubSpot does not order the array).
      if (!previous || previous.at <= event.occurredAt) {
        deal.changes[event.propertyName] = { value: event.propertyValue, at: event.occurredAt };
      }
    }
  }
  return { activity: [...byDeal.values()], lifecycle, ignoredEventIds };
}

/** Activity of one batch and the deals its lifecycle events left to read, one entry per deal. */
export function withLifecycleReads(
  activity: readonly DealActivity[],
  reads: readonly DealActivity[],
): DealActivity[] {
  const byDeal = new Map(activity.map((deal) => [deal.dealId, { ...deal, eventIds: [...deal.eventIds] }]));
  for (const read of reads) {
    const deal = byDeal.get(read.dealId);
    if (!deal) byDeal.set(read.dealId, read);
    else {
      deal.eventIds.push(...read.eventIds);
      deal.latestAt = Math.max(deal.latestAt, read.latestAt);
    }
  }
  return [...byDeal.values()];
}

/** The values the events carry, by property (the latest of each). */
export function changedValues(activity: DealActivity): HubspotProperties {
  return Object.fromEntries(Object.entries(activity.changes).map(([name, change]) => [name, change.value]));
}

/** A deal known only from its webhook events (no API access). */
export function viewFromActivity(
  activity: DealActivity,
  pointerCloseKey: string | undefined,
): HubspotDealView {
  return withPointer(
    {
      dealId: activity.dealId,
      properties: changedValues(activity),
      ...(activity.changes.dealstage ? { stageChangedAt: activity.changes.dealstage.at } : {}),
      updatedAt: activity.latestAt,
    },
    pointerCloseKey,
  );
}

/**
 * A deal read from the API, with what the events add: the API's state is current, so the events' values
 * only lend their time, and only when the stage they report is still the deal's stage.
 */
export function viewFromApi(
  deal: HubspotObject,
  activity: Pick<DealActivity, 'latestAt' | 'changes'> | undefined,
  extra: { contact?: HubspotProperties; pointerCloseKey?: string; stageChangedAt?: number },
): HubspotDealView {
  const stageChange = activity?.changes.dealstage;
  const stageChangedAt =
    stageChange && stageChange.value === deal.properties.dealstage ? stageChange.at : extra.stageChangedAt;
  const apiUpdatedAt = parseCrmTimestamp(deal.properties.hs_lastmodifieddate) ?? 0;
  return withPointer(
    {
      dealId: deal.id,
      properties: deal.properties,
      ...(stageChangedAt === undefined ? {} : { stageChangedAt }),
      updatedAt: Math.max(apiUpdatedAt, activity?.latestAt ?? 0),
      ...(extra.contact ? { contact: extra.contact } : {}),
    },
    extra.pointerCloseKey,
  );
}

/** Workflow bodies may name contact properties as `contact_<name>` (a connector convention, see README). */
const CONTACT_PREFIX = 'contact_';

/**
 * A deal as a workflow webhook describes it. In the v1 object format each property carries the time it
 * last changed: the stage's is the close time, the newest is the deal's change time.
 */
export function viewFromWorkflow(
  deal: WorkflowDeal,
  options: { pointerCloseKey?: string; receivedAt: number },
): HubspotDealView {
  const properties: HubspotProperties = {};
  const contact: HubspotProperties = {};
  let newest: number | undefined;
  for (const [name, property] of Object.entries(deal.properties)) {
    if (name.startsWith(CONTACT_PREFIX)) contact[name.slice(CONTACT_PREFIX.length)] = property.value;
    else properties[name] = property.value;
    const at = parseCrmTimestamp(property.timestamp);
    if (at !== undefined) newest = Math.max(newest ?? at, at);
  }
  const stageChangedAt = parseCrmTimestamp(deal.properties.dealstage?.timestamp);
  const updatedAt = parseCrmTimestamp(properties.hs_lastmodifieddate) ?? newest ?? options.receivedAt;
  return withPointer(
    {
      dealId: deal.dealId,
      properties,
      ...(stageChangedAt === undefined ? {} : { stageChangedAt }),
      updatedAt,
      ...(Object.keys(contact).length > 0 ? { contact } : {}),
    },
    options.pointerCloseKey,
  );
}

function withPointer<T extends HubspotDealView>(view: T, pointerCloseKey: string | undefined): T {
  return pointerCloseKey === undefined ? view : { ...view, pointerCloseKey };
}
