import { CRM_SOURCES } from '../crm/registry';
import { METRIC_NAMES, type MetricsRecorder } from '../observability/metrics';
import type { Store } from '../store/store';

/**
 * `CrmDealsDeferredOverdue` (serverless.yml's DeferredDealsOverdueAlarm: MAX over 15 minutes, above 0):
 * per CRM whose webhook defers deals during an API outage, how many are still unresolved an hour or more
 * after they were deferred — published each run, 0 when none, so the alarm sees a value every run and
 * clears itself. The deferred partition of the due index is small (an outage's deals); it is read whole,
 * a bounded number of pages, never the table.
 */
export const DEFERRED_OVERDUE_AFTER_MS = 3_600_000;
const PAGE_SIZE = 1000;
const MAX_PAGES = 20;

export async function publishDeferredOverdue(deps: {
  store: Pick<Store, 'queryDeferredDeals'>;
  metrics: MetricsRecorder;
  now: () => number;
}): Promise<Record<string, number>> {
  const crms = CRM_SOURCES.filter((crm) => crm.poller?.resumeDeferred).map((crm) => crm.name);
  const overdue: Record<string, number> = Object.fromEntries(crms.map((crm) => [crm, 0]));
  const before = deps.now() - DEFERRED_OVERDUE_AFTER_MS;
  let cursor: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    // Every deferred deal still in the index, whenever it is next due.
    const result = await deps.store.queryDeferredDeals({
      now: Number.MAX_SAFE_INTEGER,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    for (const deal of result.deals) {
      if (deal.deferredAt <= before && deal.crm in overdue) overdue[deal.crm] = (overdue[deal.crm] ?? 0) + 1;
    }
    cursor = result.cursor;
    if (!cursor) break;
  }
  for (const [crm, count] of Object.entries(overdue)) {
    deps.metrics.count(METRIC_NAMES.crmDealsDeferredOverdue, { crm }, count);
  }
  return overdue;
}
