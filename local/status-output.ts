import { CRM_SOURCES } from '../lib/crm/registry';
import { DESTINATIONS } from '../lib/destinations/registry';
import { type DeliveryRecord, parseStageSubjectKey, stageSubjectKey } from '../lib/domain';
import type { Store } from '../lib/store/store';
import { deliveriesCsv } from './delivery-csv';
import { dealLifecycleStatus, formatDealLifecycleStatus } from './lifecycle-status';
import { formatOutcomeSummary, outcomeSummary } from './outcome-summary';
import { formatStageStatus, stageStatus } from './stage-status';
import { readStatusData } from './status-data';
import {
  buildStatusReport,
  deferredDealsStatus,
  formatBackfillStatus,
  formatStatusReport,
} from './status-report';
import { buildSubjectReport, formatSubjectReport } from './subject-report';

/**
 * What `npm run status` prints, from the store: the whole table's report (text, or `--json`), or with
 * `--subject <leadId | order:<id>>` one close's or order's whole story (subject-report.ts), or with `--csv`
 * one row per delivery (delivery-csv.ts).
 */
export async function statusOutput(
  store: Store,
  argv: readonly string[],
  options: {
    now: number;
    table: string;
    /** CONVERSION_STAGES' names in funnel order: a lead's stages are shown with its close. */
    stages?: readonly string[];
  },
): Promise<string> {
  const subjectAt = argv.indexOf('--subject');
  if (subjectAt >= 0) {
    const subjectKey = argv[subjectAt + 1];
    if (!subjectKey || subjectKey.startsWith('--')) return 'status: --subject needs a lead ID or order:<id>';
    // A lead's stages are keyed by its close's key: read beside it (`stage:<stage>:<key>` reads one alone).
    const stageKeys =
      subjectKey.startsWith('order:') || parseStageSubjectKey(subjectKey)
        ? []
        : (options.stages ?? []).map((stage) => stageSubjectKey(stage, subjectKey));
    const keys = [subjectKey, ...stageKeys];
    const [subjects, deliveries] = await Promise.all([
      store.getSubjects(keys),
      store.getDeliveries(
        keys.flatMap((key) =>
          DESTINATIONS.map((definition) => ({ subjectKey: key, destination: definition.name })),
        ),
      ),
    ]);
    const deliveriesOf = (key: string) =>
      [...deliveries.values()].filter((delivery) => delivery.subjectKey === key);
    const stages = stageKeys
      .filter((key) => subjects.has(key))
      .map((key) => buildSubjectReport(key, subjects.get(key), deliveriesOf(key)));
    const report = {
      ...buildSubjectReport(subjectKey, subjects.get(subjectKey), deliveriesOf(subjectKey)),
      ...(stages.length > 0 ? { stages } : {}),
    };
    return argv.includes('--json') ? JSON.stringify(report, null, 2) : formatSubjectReport(report);
  }
  if (argv.includes('--csv')) {
    // The CSV's last attempt is in each delivery's history: the whole items, not the report's attributes.
    const deliveries: DeliveryRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await store.scanDeliveries(cursor);
      deliveries.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return deliveriesCsv(deliveries);
  }
  const data = await readStatusData(store);
  const { deliveries, checkpoints } = data;
  const pending = data.deferredDeals;
  const report = buildStatusReport(deliveries);
  const outcomes = outcomeSummary(deliveries);
  const stages = stageStatus(deliveries);
  const lifecycle = dealLifecycleStatus(data.dealPointers, deliveries);
  const polled = CRM_SOURCES.filter((crm) => crm.poller);
  if (argv.includes('--json')) {
    const deferred = deferredDealsStatus(pending);
    return JSON.stringify({ ...report, outcomes, stages, checkpoints, deferred, lifecycle }, null, 2);
  }
  // Per CRM whose webhook defers work to the backfill.
  const deferred = polled
    .filter((crm) => crm.poller?.resumeDeferred)
    .map((crm) => ({
      displayName: crm.displayName,
      ...deferredDealsStatus(pending.filter((deal) => deal.crm === crm.name)),
    }));
  return [
    options.table,
    formatStatusReport(report, options.now),
    formatOutcomeSummary(outcomes),
    formatStageStatus(stages, options.stages),
    formatBackfillStatus(report, checkpoints, options.now, deferred),
    formatDealLifecycleStatus(lifecycle),
  ].join('\n\n');
}
