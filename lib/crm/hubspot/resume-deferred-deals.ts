import { type DeferredWorkSummary, MIN_POLL_STEP_MS, type PollContext } from '../../backfill/poll-crm';
import { mapWithConcurrency } from '../../concurrency';
import { closeWriteChanged, DEFERRED_OVERDUE_AFTER_MS, type DeferredDealRecord } from '../../domain';
import { RetryableError } from '../../errors';
import { METRIC_NAMES } from '../../observability/metrics';
import { activityOfDeferredDeal } from './defer-deals';
import type { HubspotIntakeDeps } from './intake-deps';
import { recordHubspotActivity } from './record-activity';

/** HubSpot's batch read takes 100 IDs: one page is one round of at most four API requests. */
const PAGE_SIZE = 100;
const WRITE_CONCURRENCY = 10;

export type ResumeDeferredDealsDeps = PollContext &
  Pick<
    HubspotIntakeDeps,
    'leadIdProperty' | 'defaultCurrency' | 'defaultPhoneCountry' | 'closureReasonMap' | 'stages'
  > & {
    client: NonNullable<HubspotIntakeDeps['client']>;
  };

/**
 * The backfill's first HubSpot step: deals whose webhook was accepted while HubSpot's API could not be
 * read (defer-deals.ts) are read now, a hundred at a time, and recorded through the webhook's own path;
 * each is then taken out of the index. A deal a webhook deferred again meanwhile stays due
 * (its conditional resolve fails) and is read on the next run. An API still failing stops the step: the
 * deals stay due for the next run, untouched.
 */
export async function resumeDeferredHubspotDeals(
  deps: ResumeDeferredDealsDeps,
): Promise<DeferredWorkSummary> {
  const summary: DeferredWorkSummary = { read: 0, resolved: 0, recorded: 0 };
  // Resolved deals leave the index, so each page is read from the start; a deal that could not be
  // resolved (deferred again meanwhile) is not read twice in one run.
  const attempted = new Set<string>();
  // Read and left unresolved an hour or more after their deferral: the DeferredDealsOverdueAlarm's count.
  let overdue = 0;
  const isOverdue = (deal: DeferredDealRecord) => deal.deferredAt <= deps.now() - DEFERRED_OVERDUE_AFTER_MS;
  for (;;) {
    if (deps.deadline - deps.now() < MIN_POLL_STEP_MS) {
      summary.stoppedBy = 'deadline';
      break;
    }
    const page = await deps.store.queryDeferredDeals({ now: deps.now(), limit: PAGE_SIZE });
    const deals = page.deals.filter((deal) => deal.crm === 'hubspot' && !attempted.has(deal.dealId));
    if (deals.length === 0) break;
    for (const deal of deals) attempted.add(deal.dealId);
    summary.read += deals.length;
    let results: Awaited<ReturnType<typeof recordHubspotActivity>>['results'];
    let stages: Awaited<ReturnType<typeof recordHubspotActivity>>['stages'];
    try {
      ({ results, stages } = await recordHubspotActivity(deals.map(activityOfDeferredDeal), {
        ...deps,
        apiDeadline: deps.deadline,
      }));
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      summary.stoppedBy = error.code;
      overdue += deals.filter(isOverdue).length;
      deps.logger.warn('HubSpot API still unavailable; deferred deals left for the next run', {
        deals: deals.length,
        reason: error.code,
      });
      break;
    }
    for (const stage of stages) if (stage.created) deps.recordedCloseKeys.add(stage.subjectKey);
    for (const result of results) {
      if (closeWriteChanged(result.action)) {
        summary.recorded++;
        deps.recordedCloseKeys.add(result.subjectKey);
      }
    }
    const resolved = await mapWithConcurrency(deals, WRITE_CONCURRENCY, (deal: DeferredDealRecord) =>
      deps.store.markDeferredDealResolved(deal, deps.now()),
    );
    summary.resolved += resolved.filter(Boolean).length;
    overdue += deals.filter((deal, index) => !resolved[index] && isOverdue(deal)).length;
  }
  // Each run, 0 when none: the alarm sees a value and clears itself. Read from the pages this step reads
  // anyway (no Query of its own); a deal whose retry time is still ahead is not due, and not counted.
  deps.metrics?.count(METRIC_NAMES.crmDealsDeferredOverdue, { crm: 'hubspot' }, overdue);
  return summary;
}
