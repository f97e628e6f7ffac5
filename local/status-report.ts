import { type DeferredDealRecord, type DeliveryRecord, deliveryState } from '../lib/domain';
import type { ReportDelivery } from '../lib/store/report';

/**
 * What `npm run status` shows: counts by destination and status, the oldest waiting, the last failures.
 * A delivery's subject key is reported as `closeKey`, the name its `--json` output has always had.
 */
export type StatusReport = {
  totals: Record<string, Record<string, number>>;
  oldestWaiting: ({ closeKey: string } & Pick<
    DeliveryRecord,
    'destination' | 'status' | 'attempts' | 'createdAt' | 'nextAttemptAt' | 'lastError'
  >)[];
  lastFailures: ({ closeKey: string } & Pick<
    DeliveryRecord,
    'destination' | 'status' | 'attempts' | 'updatedAt' | 'lastError' | 'lastErrorCode'
  >)[];
  deliveries: number;
};

const WAITING = new Set(['pending', 'retry', 'waiting_for_lead']);

/** Pure: folds deliveries into the report. Lead IDs are pseudonymous keys, not personal data; no identifier is read. */
export function buildStatusReport(deliveries: Iterable<ReportDelivery>, limit = 10): StatusReport {
  const totals: Record<string, Record<string, number>> = {};
  const waiting: ReportDelivery[] = [];
  const failures: ReportDelivery[] = [];
  let count = 0;
  for (const delivery of deliveries) {
    count++;
    const byStatus = totals[delivery.destination] ?? {};
    totals[delivery.destination] = byStatus;
    byStatus[delivery.status] = (byStatus[delivery.status] ?? 0) + 1;
    const state = deliveryState(delivery.status);
    if (WAITING.has(state)) waiting.push(delivery);
    if (state === 'failed' || (state === 'retry' && delivery.lastError)) failures.push(delivery);
  }
  waiting.sort((a, b) => a.createdAt - b.createdAt);
  failures.sort((a, b) => b.updatedAt - a.updatedAt);
  return {
    deliveries: count,
    totals,
    oldestWaiting: waiting
      .slice(0, limit)
      .map(({ subjectKey, destination, status, attempts, createdAt, nextAttemptAt, lastError }) => ({
        closeKey: subjectKey,
        destination,
        status,
        attempts,
        createdAt,
        nextAttemptAt,
        lastError,
      })),
    lastFailures: failures
      .slice(0, limit)
      .map(({ subjectKey, destination, status, attempts, updatedAt, lastError, lastErrorCode }) => ({
        closeKey: subjectKey,
        destination,
        status,
        attempts,
        updatedAt,
        lastError,
        lastErrorCode,
      })),
  };
}

const iso = (ms: number | undefined) =>
  ms === undefined ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, index) =>
    Math.max(cell.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n');
}

export function formatStatusReport(report: StatusReport, now: number): string {
  const statuses = [
    ...new Set(Object.values(report.totals).flatMap((byStatus) => Object.keys(byStatus))),
  ].sort();
  const sections: string[] = [`deliveries: ${report.deliveries}`];
  if (report.deliveries === 0) return `${sections[0]}\n(no deliveries yet)`;
  sections.push(
    table(
      ['destination', ...statuses],
      Object.entries(report.totals).map(([destination, byStatus]) => [
        destination,
        ...statuses.map((status) => String(byStatus[status] ?? 0)),
      ]),
    ),
  );
  sections.push(
    report.oldestWaiting.length === 0
      ? 'oldest waiting: none'
      : `oldest waiting:\n${table(
          ['close', 'destination', 'status', 'attempts', 'age', 'next attempt', 'last error'],
          report.oldestWaiting.map((item) => [
            item.closeKey,
            item.destination,
            item.status,
            String(item.attempts),
            `${Math.round((now - item.createdAt) / 3_600_000)} h`,
            iso(item.nextAttemptAt),
            item.lastError ?? '',
          ]),
        )}`,
  );
  sections.push(
    report.lastFailures.length === 0
      ? 'last failures: none'
      : `last failures:\n${table(
          ['close', 'destination', 'status', 'attempts', 'at', 'reason'],
          report.lastFailures.map((item) => [
            item.closeKey,
            item.destination,
            item.status,
            String(item.attempts),
            iso(item.updatedAt),
            [item.lastErrorCode, item.lastError].filter(Boolean).join(': '),
          ]),
        )}`,
  );
  return sections.join('\n\n');
}

/** The CRM polling checkpoints: how far each CRM's changes are known to be recorded. */
export type CheckpointStatus = { crm: string; until?: number; updatedAt?: number };
/** Deals a webhook deferred because its CRM's API could not be read (the backfill reads them). */
export type DeferredDealsStatus = { deals: number; oldestDeferredAt?: number; reasons: string[] };
/** One CRM's deferred deals, under the name its report line shows. */
export type CrmDeferredDealsStatus = DeferredDealsStatus & { displayName: string };

export function deferredDealsStatus(pending: readonly DeferredDealRecord[]): DeferredDealsStatus {
  return {
    deals: pending.length,
    ...(pending.length > 0 ? { oldestDeferredAt: Math.min(...pending.map((deal) => deal.deferredAt)) } : {}),
    reasons: [...new Set(pending.map((deal) => deal.reason))].sort(),
  };
}

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/**
 * The backfill's side of the report: how far each CRM has been polled, the deals each CRM's webhook
 * deferred (one line per CRM that defers work), and how many deliveries gave up (a manual `retryNow`
 * takes them up again).
 */
export function formatBackfillStatus(
  report: StatusReport,
  checkpoints: CheckpointStatus[],
  now: number,
  deferred: readonly CrmDeferredDealsStatus[],
): string {
  const rows = checkpoints.map((checkpoint) => [
    checkpoint.crm,
    checkpoint.until === undefined
      ? 'never polled'
      : `${iso(checkpoint.until)} (${ago(now - checkpoint.until)})`,
    checkpoint.updatedAt === undefined ? '' : iso(checkpoint.updatedAt),
  ]);
  const failed = Object.values(report.totals)
    .flatMap((byStatus) => Object.entries(byStatus))
    .filter(([status]) => deliveryState(status as DeliveryRecord['status']) === 'failed')
    .reduce((sum, [, count]) => sum + count, 0);
  const sections = [
    `CRM polling (backfill):\n${table(['crm', 'changes recorded up to', 'checkpoint written'], rows)}`,
  ];
  for (const { displayName, deals, reasons, oldestDeferredAt } of deferred) {
    sections.push(
      deals === 0
        ? `deferred ${displayName} deals: none`
        : `deferred ${displayName} deals: ${deals} (${displayName} API: ${reasons.join(', ')}; oldest ${
            oldestDeferredAt === undefined ? 'unknown' : ago(now - oldestDeferredAt)
          }) — the next backfill reads and records them`,
    );
  }
  sections.push(
    failed === 0
      ? 'gave up: none'
      : `gave up: ${failed} — retry them all now with \`npm run invoke -- backfill events/backfill/retry-now.json\``,
  );
  return sections.join('\n\n');
}
