import type { MetricsRecorder } from '../../observability/metrics';
import type { RecordCloseResult } from '../../pipeline/record-close';
import type { CloseInput } from '../../store/records';
import type { Store } from '../../store/store';
import { type IntakeLogger, putReceipts, recordCloses } from '../intake';
import type { HubspotClient, HubspotPipeline, HubspotProperties } from './client';
import {
  collectDealActivity,
  type DealActivity,
  viewFromActivity,
  viewFromApi,
  viewFromWorkflow,
} from './deal-activity';
import { enrichDeals } from './enrich-deals';
import {
  type DealDecision,
  type HubspotDealView,
  type HubspotMappingContext,
  mapHubspotDeal,
  revalueRecordedClose,
} from './map-deal';
import type { HubspotWebhook, WorkflowDeal } from './webhook-payload';

/**
 * A verified, validated HubSpot webhook → recorded closes. Order of work: drop events already received
 * (receipts), read what the events are about (one batch of API calls for the whole webhook when a token
 * is configured, else only the payload), decide per deal, record each close, then write the receipts.
 * Nothing is written before the enrichment succeeds, so a failed enrichment leaves nothing half-done.
 */
export const HUBSPOT_RECEIPT_SOURCE = 'hubspot';

export type HubspotIntakeDeps = {
  store: Store;
  /** Absent without HUBSPOT_ACCESS_TOKEN: then only what the payload carries is used. */
  client: HubspotClient | undefined;
  leadIdProperty: string;
  defaultCurrency: string;
  closureReasonMap: Readonly<Record<string, string>>;
  now: () => number;
  /** Epoch ms by which the CRM API calls must be done (they share HubSpot's 5-second answer window). */
  apiDeadline: number;
  logger: IntakeLogger;
  /** Counts ClosesRecorded by CRM when given. */
  metrics?: MetricsRecorder;
};

export type HubspotIntakeSummary = {
  received: number;
  duplicates: number;
  ignored: number;
  results: RecordCloseResult[];
};

/** How deals are mapped in this deployment; shared with the backfill's polling (record-polled-deals.ts). */
export function hubspotMappingContext(
  deps: Pick<HubspotIntakeDeps, 'leadIdProperty' | 'defaultCurrency' | 'closureReasonMap' | 'now'>,
  pipelines: HubspotPipeline[] | undefined,
): HubspotMappingContext {
  return {
    leadIdProperty: deps.leadIdProperty,
    defaultCurrency: deps.defaultCurrency,
    closureReasonMap: deps.closureReasonMap,
    ...(pipelines ? { pipelines } : {}),
    now: deps.now(),
  };
}

/**
 * Without API access an amount or currency change carries no stage: it can only re-value a close that
 * was recorded before (found through the deal pointer).
 */
async function revaluesFromPayload(
  store: Store,
  candidates: { activity: DealActivity; pointerCloseKey: string }[],
): Promise<CloseInput[]> {
  if (candidates.length === 0) return [];
  const existing = await store.getCloses(candidates.map((candidate) => candidate.pointerCloseKey));
  const closes: CloseInput[] = [];
  for (const { activity, pointerCloseKey } of candidates) {
    const close = existing.get(pointerCloseKey);
    if (!close) continue;
    const revalued = revalueRecordedClose(close, {
      amount: activity.changes.amount?.value,
      currency: activity.changes.deal_currency_code?.value,
      updatedAt: activity.latestAt,
    });
    if (revalued) closes.push(revalued);
  }
  return closes;
}

async function processSubscription(
  events: Extract<HubspotWebhook, { kind: 'subscription' }>['events'],
  deps: HubspotIntakeDeps,
): Promise<HubspotIntakeSummary> {
  const seen = await deps.store.getReceipts(
    HUBSPOT_RECEIPT_SOURCE,
    events.map((event) => event.eventId),
  );
  const fresh = events.filter((event) => !seen.has(event.eventId));
  const duplicates = events.length - fresh.length;
  const { activity, ignoredEventIds } = collectDealActivity(fresh);
  if (activity.length === 0) {
    return { received: events.length, duplicates, ignored: ignoredEventIds.length, results: [] };
  }
  const dealIds = activity.map((deal) => deal.dealId);
  const pointers = await deps.store.getDealPointers('hubspot', dealIds);
  const decisions: DealDecision[] = [];
  const closes: CloseInput[] = [];
  if (deps.client) {
    const enrichment = await enrichDeals(deps.client, dealIds, deps);
    const mapping = hubspotMappingContext(deps, enrichment.pipelines);
    const missing = dealIds.filter((dealId) => !enrichment.deals.has(dealId)).length;
    if (missing > 0) {
      // Deleted since the event, or (with a token for one portal) a deal of another portal.
      deps.logger.warn('deals named by the webhook were not found by the HubSpot API; ignored', {
        deals: missing,
      });
    }
    for (const deal of activity) {
      const found = enrichment.deals.get(deal.dealId);
      // A deal deleted since the event has nothing left to record.
      if (!found) continue;
      const view = viewFromApi(found, deal, {
        contact: enrichment.contacts.get(deal.dealId),
        pointerCloseKey: pointers.get(deal.dealId),
      });
      decisions.push(mapHubspotDeal(view, mapping));
    }
  } else {
    const mapping = hubspotMappingContext(deps, undefined);
    const revalueCandidates: { activity: DealActivity; pointerCloseKey: string }[] = [];
    for (const deal of activity) {
      const pointerCloseKey = pointers.get(deal.dealId);
      const stageKnown = ['dealstage', 'hs_is_closed', 'hs_is_closed_won'].some(
        (name) => name in deal.changes,
      );
      if (!stageKnown) {
        if (pointerCloseKey !== undefined) revalueCandidates.push({ activity: deal, pointerCloseKey });
        continue;
      }
      decisions.push(mapHubspotDeal(viewFromActivity(deal, pointerCloseKey), mapping));
    }
    closes.push(...(await revaluesFromPayload(deps.store, revalueCandidates)));
  }
  for (const decision of decisions) if (decision.action === 'record') closes.push(decision.close);
  const unclassified = decisions.filter(
    (decision) => decision.action === 'ignore' && decision.reason === 'unclassified_stage',
  ).length;
  if (unclassified > 0) {
    deps.logger.warn('deal stages that could not be classified were ignored', {
      deals: unclassified,
      hint: deps.client
        ? 'stage missing from the pipelines API'
        : 'set HUBSPOT_ACCESS_TOKEN for custom pipelines',
    });
  }
  const results = await recordCloses(deps.store, closes, deps.now, deps);
  await putReceipts(
    deps.store,
    HUBSPOT_RECEIPT_SOURCE,
    activity.flatMap((deal) => deal.eventIds),
    deps.now(),
  );
  return {
    received: events.length,
    duplicates,
    ignored: ignoredEventIds.length + (activity.length - closes.length),
    results,
  };
}

function mergeProperties(base: HubspotProperties, override: HubspotProperties): HubspotProperties {
  const merged = { ...base };
  for (const [name, value] of Object.entries(override)) if (value !== undefined) merged[name] = value;
  return merged;
}

async function processWorkflow(deal: WorkflowDeal, deps: HubspotIntakeDeps): Promise<HubspotIntakeSummary> {
  const ignored = { received: 1, duplicates: 0, ignored: 1, results: [] };
  if (deal.otherObjectType !== undefined) return ignored;
  const pointers = await deps.store.getDealPointers('hubspot', [deal.dealId]);
  const pointerCloseKey = pointers.get(deal.dealId);
  const fromPayload = viewFromWorkflow(deal, { pointerCloseKey, receivedAt: deps.now() });
  let view: HubspotDealView = fromPayload;
  let pipelines: HubspotPipeline[] | undefined;
  if (deps.client) {
    const enrichment = await enrichDeals(deps.client, [deal.dealId], deps);
    const found = enrichment.deals.get(deal.dealId);
    if (!found) return ignored;
    pipelines = enrichment.pipelines;
    view = viewFromApi(
      // What the workflow sent fills what the API did not return (e.g. a property the app cannot read).
      { id: found.id, properties: mergeProperties(fromPayload.properties, found.properties) },
      {
        latestAt: fromPayload.updatedAt,
        changes:
          fromPayload.stageChangedAt === undefined
            ? {}
            : { dealstage: { value: fromPayload.properties.dealstage, at: fromPayload.stageChangedAt } },
      },
      { contact: enrichment.contacts.get(deal.dealId) ?? fromPayload.contact, pointerCloseKey },
    );
  }
  const decision = mapHubspotDeal(view, hubspotMappingContext(deps, pipelines));
  if (decision.action === 'ignore') {
    if (decision.reason === 'unclassified_stage') {
      deps.logger.warn('deal stage could not be classified; ignored', { deals: 1 });
    }
    return ignored;
  }
  const results = await recordCloses(deps.store, [decision.close], deps.now, deps);
  return { received: 1, duplicates: 0, ignored: 0, results };
}

export async function processHubspotWebhook(
  webhook: HubspotWebhook,
  deps: HubspotIntakeDeps,
): Promise<HubspotIntakeSummary> {
  return webhook.kind === 'subscription'
    ? processSubscription(webhook.events, deps)
    : processWorkflow(webhook.deal, deps);
}
