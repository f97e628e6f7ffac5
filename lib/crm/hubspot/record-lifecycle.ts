import { mapWithConcurrency } from '../../concurrency';
import { type CloseInput, deletedCloseInput, restoredCloseInput } from '../../domain';
import type { RecordCloseResult } from '../../pipeline/record-close';
import { recordCloses } from '../intake';
import type { DealActivity } from './deal-activity';
import {
  type DealLifecycleEvent,
  type LifecyclePlan,
  lifecycleDealIds,
  type PointerWrite,
  planDealLifecycle,
} from './deal-lifecycle';
import type { HubspotIntakeDeps } from './intake-deps';

/**
 * Applies a webhook's deal merges, deletions and restores (deal-lifecycle.ts decides): the merged deals'
 * pointers, then the closes taken back or put back, then the other pointers' marks. What is left to read
 * from the API (a merged deal, a restored one) is returned as activity, for the webhook's own reading and
 * mapping. Every step is safe to repeat: a repeat writes the same pointers and records nothing new.
 */
const WRITE_CONCURRENCY = 10;

export type AppliedLifecycle = {
  results: RecordCloseResult[];
  /** Deals to read and record as they now are (with API access). */
  activity: DealActivity[];
};

async function writePointers(deps: HubspotIntakeDeps, writes: readonly PointerWrite[]): Promise<void> {
  await mapWithConcurrency(writes, WRITE_CONCURRENCY, (write) =>
    deps.store.putDealPointer('hubspot', write.dealId, write.subjectKey, write.marks),
  );
}

/** The closes the plan takes back or puts back, as the next version of each (none when nothing changes). */
async function lifecycleCloses(plan: LifecyclePlan, deps: HubspotIntakeDeps): Promise<CloseInput[]> {
  if (plan.closes.size === 0) return [];
  const closes = await deps.store.getCloses([...plan.closes.keys()]);
  const inputs: CloseInput[] = [];
  for (const [subjectKey, { action, at }] of plan.closes) {
    const close = closes.get(subjectKey);
    if (!close) continue;
    const input = action === 'delete' ? deletedCloseInput(close, at) : restoredCloseInput(close, at);
    if (input) inputs.push(input);
  }
  return inputs;
}

export async function applyDealLifecycle(
  events: readonly DealLifecycleEvent[],
  deps: HubspotIntakeDeps,
): Promise<AppliedLifecycle> {
  if (events.length === 0) return { results: [], activity: [] };
  const pointers = await deps.store.getDealPointerRecords('hubspot', lifecycleDealIds(events));
  const plan = planDealLifecycle(events, pointers, { apiAccess: deps.client !== undefined });
  await writePointers(deps, plan.mergedPointers);
  const results = await recordCloses(deps.store, await lifecycleCloses(plan, deps), deps.now, {
    metrics: deps.metrics,
    // Under the webhook's claim like its other closes: the webhook dispatches them as their owner.
    ...(deps.inline ? { claimUntil: deps.inline.claimUntil } : {}),
  });
  await writePointers(deps, plan.pointerWrites);
  const merges = events.filter((event) => event.kind === 'merge').length;
  const deletions = events.filter((event) => event.kind === 'deletion').length;
  deps.logger.info('hubspot deal lifecycle applied', {
    merges,
    deletions,
    restores: events.length - merges - deletions,
    closes: results.length,
  });
  return {
    results,
    activity: plan.reads.map(({ dealId, eventIds, at }) => ({ dealId, eventIds, latestAt: at, changes: {} })),
  };
}
