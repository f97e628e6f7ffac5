import { parseStageSubjectKey } from '../lib/domain';
import type { ReportDelivery } from '../lib/store/report';

/**
 * The funnel stages' side of `npm run status` (pure): per stage and destination, how many leads' stage
 * deliveries stand in each status (CONVERSION_STAGES, docs/stages.md). Stage deliveries also count in the
 * destinations' totals above it, like closes and orders.
 */
export type StageStatusRow = { stage: string; destination: string; statuses: Record<string, number> };

export function stageStatus(deliveries: Iterable<ReportDelivery>): StageStatusRow[] {
  const rows = new Map<string, StageStatusRow>();
  for (const delivery of deliveries) {
    const stage = parseStageSubjectKey(delivery.subjectKey)?.stage;
    if (stage === undefined) continue;
    const key = `${stage}|${delivery.destination}`;
    const row = rows.get(key) ?? { stage, destination: delivery.destination, statuses: {} };
    row.statuses[delivery.status] = (row.statuses[delivery.status] ?? 0) + 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** In funnel order when the stages are known (CONVERSION_STAGES), else by name. */
export function formatStageStatus(rows: readonly StageStatusRow[], funnel: readonly string[] = []): string {
  if (rows.length === 0) return 'funnel stages: none recorded';
  const rank = (stage: string) => {
    const index = funnel.indexOf(stage);
    return index < 0 ? funnel.length : index;
  };
  const sorted = [...rows].sort(
    (a, b) =>
      rank(a.stage) - rank(b.stage) ||
      a.stage.localeCompare(b.stage) ||
      a.destination.localeCompare(b.destination),
  );
  const lines = sorted.map(
    (row) =>
      `  ${row.stage.padEnd(20)} ${row.destination.padEnd(11)} ${Object.entries(row.statuses)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, count]) => `${status} ${count}`)
        .join(', ')}`,
  );
  return ['funnel stages (leads per stage, destination and status):', ...lines].join('\n');
}
