import { RetryableError } from '../../errors';
import { METRIC_NAMES } from '../../observability/metrics';
import type { RecordCloseResult } from '../../pipeline/record-close';
import { putReceipts, recordCloses } from '../intake';
import type { HubspotPipeline, HubspotProperties } from './client';
import {
  collectDealActivity,
  type DealActivity,
  viewFromApi,
  viewFromWorkflow,
  withLifecycleReads,
} from './deal-activity';
import { deferDealActivity } from './defer-deals';
import { enrichDeals } from './enrich-deals';
import {
  HUBSPOT_RECEIPT_SOURCE,
  type HubspotIntakeDeps,
  type HubspotIntakeSummary,
  hubspotMappingContext,
} from './intake-deps';
import { type HubspotDealView, mapHubspotDeal } from './map-deal';
import { recordHubspotActivity } from './record-activity';
import { applyDealLifecycle } from './record-lifecycle';
import type { HubspotWebhook, WorkflowDeal } from './webhook-payload';

/**
 * A verified, validated HubSpot webhook → recorded closes. Order of work: drop events already received
 * (receipts), read what the events are about (one batch of API calls for the whole webhook when a token
 * is configured, else only the payload), decide per deal, record each close, then write the receipts.
 * Nothing is recorded before the enrichment succeeds. When HubSpot's API cannot be read in time, the
 * deals are deferred instead (defer-deals.ts): stored for the backfill, which reads them and records them
 * through `recordHubspotActivity` (record-activity.ts), as here.
 */

/**
 * Records the activity, or, when HubSpot's API cannot be read in time, defers it to the backfill: the
 * webhook is then durably accepted all the same, and HubSpot is not asked to retry.
 */
async function recordOrDefer(
  activity: readonly DealActivity[],
  deps: HubspotIntakeDeps,
): Promise<{ results: RecordCloseResult[]; ignored: number; deferred: number }> {
  if (activity.length === 0) return { results: [], ignored: 0, deferred: 0 };
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
  const { activity, lifecycle, ignoredEventIds } = collectDealActivity(fresh);
  if (activity.length === 0 && lifecycle.length === 0) {
    return { received: events.length, duplicates, ignored: ignoredEventIds.length, deferred: 0, results: [] };
  }
  // The originals' own news first (a close the merge must carry), then the merges, deletions and restores,
  // then what they leave to read with the merged deals' own news: a merged deal's pointer must lead to its
  // close before the merged deal is read.
  const merged = new Set(lifecycle.flatMap((event) => (event.kind === 'merge' ? [event.dealId] : [])));
  const before = await recordOrDefer(
    activity.filter((deal) => !merged.has(deal.dealId)),
    deps,
  );
  const applied = await applyDealLifecycle(lifecycle, deps);
  const after = await recordOrDefer(
    withLifecycleReads(
      activity.filter((deal) => merged.has(deal.dealId)),
      applied.activity,
    ),
    deps,
  );
  const outcome = {
    results: [...before.results, ...applied.results, ...after.results],
    ignored: before.ignored + after.ignored,
    deferred: before.deferred + after.deferred,
  };
  await putReceipts(
    deps.store,
    HUBSPOT_RECEIPT_SOURCE,
    [...activity.flatMap((deal) => deal.eventIds), ...lifecycle.map((event) => event.eventId)],
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
