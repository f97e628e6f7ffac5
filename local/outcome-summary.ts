import { deliveryState, failureReason } from '../lib/domain';
import type { ReportDelivery } from '../lib/store/report';

/**
 * The summary view of `npm run status` (pure): per destination, what became of its deliveries in the
 * words that matter — taken and awaiting the platform's processing (`accepted`), counted (`processed`:
 * processed, or delivered where the platform's answer is final), processed in a request some of whose
 * events the platform dropped (`partialSuccess`), failed at the platform (by reason: the platform refused
 * or dropped it), not sent (by reason: skipped, or given up by the connector), and still in progress.
 */
export type DestinationOutcomes = {
  accepted: number;
  processed: number;
  partialSuccess: number;
  failedAtPlatform: Record<string, number>;
  notSent: Record<string, number>;
  inProgress: number;
};

export function outcomeSummary(deliveries: Iterable<ReportDelivery>): Record<string, DestinationOutcomes> {
  const summary: Record<string, DestinationOutcomes> = {};
  const add = (counts: Record<string, number>, reason: string) => {
    counts[reason] = (counts[reason] ?? 0) + 1;
  };
  for (const delivery of deliveries) {
    const row = summary[delivery.destination] ?? {
      accepted: 0,
      processed: 0,
      partialSuccess: 0,
      failedAtPlatform: {},
      notSent: {},
      inProgress: 0,
    };
    summary[delivery.destination] = row;
    const state = deliveryState(delivery.status);
    const reason = failureReason(delivery.status) ?? delivery.status.split(':')[1] ?? '';
    if (state === 'accepted') row.accepted++;
    else if (state === 'processed' || state === 'delivered') row.processed++;
    else if (state === 'partial_success') row.partialSuccess++;
    else if (state === 'failed')
      add(delivery.rejectedByPlatform ? row.failedAtPlatform : row.notSent, reason);
    else if (state === 'skipped') add(row.notSent, reason);
    else row.inProgress++;
  }
  return summary;
}

const reasons = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ') || '0';

export function formatOutcomeSummary(summary: Record<string, DestinationOutcomes>): string {
  const lines = Object.entries(summary)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([destination, row]) =>
        `  ${destination}: accepted ${row.accepted} · processed ${row.processed} · partial_success ${row.partialSuccess} · failed at the platform: ${reasons(row.failedAtPlatform)} · not sent: ${reasons(row.notSent)} · in progress ${row.inProgress}`,
    );
  return lines.length === 0 ? 'outcomes: none' : `outcomes (docs/statuses.md):\n${lines.join('\n')}`;
}
