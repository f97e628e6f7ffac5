import type { ConversionSubject } from '../../domain';
import { RetryableError } from '../../errors';
import type { RecordCloseResult } from '../../pipeline/record-close';
import { createdStages, type RecordStageResult } from '../../pipeline/record-stages';
import type { RoundState } from '../../pipeline/round-state';
import { changedCloses, putReceipts } from '../intake';
import { contactStageChanges } from './contact-stages';
import { collectDealActivity, type DealActivity, withLifecycleReads } from './deal-activity';
import { deferActivity } from './defer-deals';
import { HUBSPOT_RECEIPT_SOURCE, type HubspotIntakeDeps, type HubspotIntakeSummary } from './intake-deps';
import { processWorkflow } from './process-workflow';
import { type EarlyReads, recordHubspotActivity } from './record-activity';
import { recordContactStages } from './record-contact-stages';
import { applyDealLifecycle } from './record-lifecycle';
import type { HubspotWebhook } from './webhook-payload';

/**
 * A verified, validated HubSpot webhook → recorded closes. Order of work: drop events already received
 * (the receipts, read with the deals' pointers in one read), read what the events are about (one batch of
 * API calls for the whole webhook when a token is configured, else only the payload), decide per deal,
 * record each close, then write the receipts and — beside them, when the webhook hands over to the
 * destinations (`deps.inline`) — dispatch what was recorded. Nothing is recorded before the enrichment
 * succeeds. When HubSpot's API cannot be read in time, the deals are deferred instead (defer-deals.ts):
 * stored for the backfill, which reads them and records them through `recordHubspotActivity`
 * (record-activity.ts), as here.
 */
type Recorded = {
  results: RecordCloseResult[];
  stages: RecordStageResult[];
  ignored: number;
  deferred: number;
  prefetched?: RoundState;
};

/**
 * Records the activity, or, when HubSpot's API cannot be read in time, defers it to the backfill: the
 * webhook is then durably accepted all the same, and HubSpot is not asked to retry.
 */
async function recordOrDefer(
  activity: readonly DealActivity[],
  deps: HubspotIntakeDeps,
  early?: EarlyReads,
): Promise<Recorded> {
  if (activity.length === 0) return { results: [], stages: [], ignored: 0, deferred: 0 };
  try {
    return { ...(await recordHubspotActivity(activity, deps, early)), deferred: 0 };
  } catch (error) {
    if (!(error instanceof RetryableError) || !deps.client) throw error;
    return { results: [], stages: [], ignored: 0, deferred: await deferActivity(activity, error, deps) };
  }
}

async function processSubscription(
  events: Extract<HubspotWebhook, { kind: 'subscription' }>['events'],
  deps: HubspotIntakeDeps,
): Promise<HubspotIntakeSummary> {
  // The receipts and the pointers of every deal the events name, in one read. A repeated event costs no
  // API call: HubSpot's rate limit is the app's, and retries come in storms after an outage.
  const named = collectDealActivity(events);
  const stored = await deps.store.getState({
    receipts: { source: HUBSPOT_RECEIPT_SOURCE, ids: events.map((event) => event.eventId) },
    dealPointers: { crm: 'hubspot', dealIds: named.activity.map((deal) => deal.dealId) },
  });
  const fresh = events.filter((event) => !stored.receipts.has(event.eventId));
  const duplicates = events.length - fresh.length;
  const { activity, lifecycle, ignoredEventIds: notDeals } = collectDealActivity(fresh);
  // Contacts' lifecycle-stage changes (CONVERSION_STAGES' hubspot.lifecycleStages): stages, not closes.
  const contactChanges = contactStageChanges(fresh, deps.stages);
  const contactEventIds = new Set(contactChanges.flatMap((change) => change.eventIds));
  const ignoredEventIds = notDeals.filter((id) => !contactEventIds.has(id));
  if (activity.length === 0 && lifecycle.length === 0 && contactChanges.length === 0) {
    return { received: events.length, duplicates, ignored: ignoredEventIds.length, deferred: 0, results: [] };
  }
  // The originals' own news first (a close the merge must carry), then the merges, deletions and restores,
  // then what they leave to read with the merged deals' own news: a merged deal's pointer must lead to its
  // close before the merged deal is read.
  const merged = new Set(lifecycle.flatMap((event) => (event.kind === 'merge' ? [event.dealId] : [])));
  const before = await recordOrDefer(
    activity.filter((deal) => !merged.has(deal.dealId)),
    deps,
    // The pointers as read stand until a lifecycle event moves one.
    lifecycle.length === 0 ? { pointers: stored.dealPointers } : undefined,
  );
  const applied = await applyDealLifecycle(lifecycle, deps);
  const after = await recordOrDefer(
    withLifecycleReads(
      activity.filter((deal) => merged.has(deal.dealId)),
      applied.activity,
    ),
    deps,
  );
  const results = [...before.results, ...applied.results, ...after.results];
  const stages = [...before.stages, ...after.stages, ...(await recordContactStages(contactChanges, deps))];
  // New closes and new stages: what the destinations have something new to do for.
  const changed = new Map<string, ConversionSubject>([...changedCloses(results), ...createdStages(stages)]);
  // The receipts only once the closes are durable; the uploads need no receipt, so both go at once.
  await Promise.all([
    putReceipts(
      deps.store,
      HUBSPOT_RECEIPT_SOURCE,
      [
        ...activity.flatMap((deal) => deal.eventIds),
        ...lifecycle.map((event) => event.eventId),
        ...contactEventIds,
      ],
      deps.now(),
    ),
    deps.inline && changed.size > 0
      ? deps.inline.dispatch(changed, lifecycle.length === 0 ? before.prefetched : undefined)
      : undefined,
  ]);
  return {
    received: events.length,
    duplicates,
    ignored: ignoredEventIds.length + before.ignored + after.ignored,
    deferred: before.deferred + after.deferred,
    results,
    stages,
  };
}

export async function processHubspotWebhook(
  webhook: HubspotWebhook,
  deps: HubspotIntakeDeps,
): Promise<HubspotIntakeSummary> {
  return webhook.kind === 'subscription'
    ? processSubscription(webhook.events, deps)
    : processWorkflow(webhook.deal, deps);
}
