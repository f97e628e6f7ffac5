import { CRM_SOURCES } from '../crm/registry';
import { METRIC_NAMES, type MetricsRecorder } from '../observability/metrics';
import type { CrmPollSummary } from './poll-crm';

/**
 * `CrmDealsDeferredOverdue` (serverless.yml's DeferredDealsOverdueAlarm: MAX over 15 minutes, above 0):
 * per CRM whose webhook defers deals during an API outage, the deferred deals still unresolved an hour or
 * more after their deferral, published every run — 0 when none, so the alarm sees a value each run and
 * clears itself. The CRM's own resume step counts them from the deferred pages it reads anyway
 * (lib/crm/hubspot/resume-deferred-deals.ts); a CRM not polled this run (its API not configured, so it
 * defers nothing) publishes 0 here.
 */

export function publishOverdueOfUnpolled(
  metrics: MetricsRecorder,
  summaries: Readonly<Record<string, Pick<CrmPollSummary, 'status'>>>,
): void {
  for (const crm of CRM_SOURCES) {
    if (!crm.poller?.resumeDeferred) continue;
    if (summaries[crm.name]?.status === 'disabled' || summaries[crm.name] === undefined) {
      metrics.count(METRIC_NAMES.crmDealsDeferredOverdue, { crm: crm.name }, 0);
    }
  }
}
