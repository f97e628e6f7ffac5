import type { CloseDecision, CloseInput } from '../../domain';
import { RetryableError } from '../../errors';
import { METRIC_NAMES, type MetricsRecorder } from '../../observability/metrics';
import type { RecordCloseResult } from '../../pipeline/record-close';
import type { Store } from '../../store/store';
import { type IntakeLogger, putReceipts, recordCloses } from '../intake';
import type { CrmIntakeSummary } from '../types';
import type { HubspotClient, HubspotPipeline, HubspotProperties } from './client';
import {
  collectDealActivity,
  type DealActivity,
  viewFromActivity,
  viewFromApi,
  viewFromWorkflow,
} from './deal-activity';
import { deferDealActivity } from './defer-deals';
import { enrichDeals } from './enrich-deals';
import {
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
 * Nothing is recorded before the enrichment succeeds. When HubSpot's API cannot be read in time, the
 * deals are deferred instead (defer-deals.ts): stored for the backfill, which reads them and records them
 * through `recordHubspotActivity`, as here.
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

export type HubspotIntakeSummary = CrmIntakeSummary & {
  /** Deals left for the backfill because HubSpot's API could not be read in time. */
  deferred: number;
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

/**
 * What the deals' webhook events come to: read the deals (with a client), decide each, and return the
 * closes to record. Writes nothing, so an API failure here leaves nothing half-done.
 */
async function closesFromActivity(
  activity: readonly DealActivity[],
  deps: HubspotIntakeDeps,
): Promise<CloseInput[]> {
  const dealIds = activity.map((deal) => deal.dealId);
  const pointers = await deps.store.getDealPointers('hubspot', dealIds);
  const decisions: CloseDecision[] = [];
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
  return closes;
}

/**
 * Reads, decides and records deals as their webhook events describe them; a HubSpot API failure (5xx,
 * network, a rate limit longer than the deadline) throws `RetryableError` before anything is written.
 * The webhook and the backfill's resumption of deferred deals share it.
 */
export async function recordHubspotActivity(
  activity: readonly DealActivity[],
  deps: HubspotIntakeDeps,
): Promise<{ results: RecordCloseResult[]; ignored: number }> {
  const closes = await closesFromActivity(activity, deps);
  const results = await recordCloses(deps.store, closes, deps.now, deps);
  return { results, ignored: activity.length - closes.length };
}

/**
 * Records the activity, or, when HubSpot's API cannot be read in time, defers it to the backfill: the
 * webhook is then durably accepted all the same, and HubSpot is not asked to retry.
 */
async function recordOrDefer(
  activity: readonly DealActivity[],
  deps: HubspotIntakeDeps,
): Promise<{ results: RecordCloseResult[]; ignored: number; deferred: number }> {
  try {
    return { ...(await recordHubspotActivity(activity, deps)), deferred: 0 };
  } catch (error) {
    if (!(error instanceof RetryableError) || !deps.client) throw error;
    return { results: [], ignored: 0, deferred: await deferActivity(activity, error, deps) };
  }
}

async function deferActivity(
  activity: readonly DealActivity[],
  error: RetryableError,
  deps: HubspotIntakeDeps,
): Promise<number> {
  await deferDealActivity(deps.store, activity, {
    now: deps.now(),
    reason: error.code,
    retryAfterMs: error.retryAfterMs,
  });
  deps.logger.warn('HubSpot API unavailable; deals deferred to the backfill', {
    deals: activity.length,
    reason: error.code,
  });
  deps.metrics?.count(METRIC_NAMES.crmDealsDeferred, { crm: 'hubspot' }, activity.length);
  return activity.length;
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
    return { received: events.length, duplicates, ignored: ignoredEventIds.length, deferred: 0, results: [] };
  }
  const outcome = await recordOrDefer(activity, deps);
  await putReceipts(
    deps.store,
    HUBSPOT_RECEIPT_SOURCE,
    activity.flatMap((deal) => deal.eventIds),
    deps.now(),
  );
  return {
    received: events.length,
    duplicates,
    ignored: ignoredEventIds.length + outcome.ignored,
    deferred: outcome.deferred,
    results: outcome.results,
  };
}

function mergeProperties(base: HubspotProperties, override: HubspotProperties): HubspotProperties {
  const merged = { ...base };
  for (const [name, value] of Object.entries(override)) if (value !== undefined) merged[name] = value;
  return merged;
}

async function processWorkflow(deal: WorkflowDeal, deps: HubspotIntakeDeps): Promise<HubspotIntakeSummary> {
  const ignored = { received: 1, duplicates: 0, ignored: 1, deferred: 0, results: [] };
  if (deal.otherObjectType !== undefined) return ignored;
  const pointers = await deps.store.getDealPointers('hubspot', [deal.dealId]);
  const pointerCloseKey = pointers.get(deal.dealId);
  const fromPayload = viewFromWorkflow(deal, { pointerCloseKey, receivedAt: deps.now() });
  let view: HubspotDealView = fromPayload;
  let pipelines: HubspotPipeline[] | undefined;
  if (deps.client) {
    const activity: DealActivity = {
      dealId: deal.dealId,
      eventIds: [],
      latestAt: fromPayload.updatedAt,
      changes:
        fromPayload.stageChangedAt === undefined
          ? {}
          : { dealstage: { value: fromPayload.properties.dealstage, at: fromPayload.stageChangedAt } },
    };
    let enrichment: Awaited<ReturnType<typeof enrichDeals>>;
    try {
      enrichment = await enrichDeals(deps.client, [deal.dealId], deps);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      // Contact properties the workflow sent are not kept: the backfill reads the deal's contact itself.
      const deferred = await deferActivity([activity], error, deps);
      return { received: 1, duplicates: 0, ignored: 0, deferred, results: [] };
    }
    const found = enrichment.deals.get(deal.dealId);
    if (!found) return ignored;
    pipelines = enrichment.pipelines;
    view = viewFromApi(
      // What the workflow sent fills what the API did not return (e.g. a property the app cannot read).
      { id: found.id, properties: mergeProperties(fromPayload.properties, found.properties) },
      activity,
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
  return { received: 1, duplicates: 0, ignored: 0, deferred: 0, results };
}

export async function processHubspotWebhook(
  webhook: HubspotWebhook,
  deps: HubspotIntakeDeps,
): Promise<HubspotIntakeSummary> {
  return webhook.kind === 'subscription'
    ? processSubscription(webhook.events, deps)
    : processWorkflow(webhook.deal, deps);
}
