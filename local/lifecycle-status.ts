import type { DealPointer } from '../lib/domain';
import type { ReportDelivery } from '../lib/store/report';

/**
 * What `npm run status` says of the CRMs' deal lifecycle (pure): deals merged into another (their old
 * IDs followed to the merged deal's one close), deleted and not restored, restored; and what the deleted
 * deals' deliveries came to per destination — cancelled before their upload (`skipped:deleted`),
 * retracted (the Google Ads API's RETRACTION), or left at a platform that cannot retract
 * (`skipped:deleted_after_upload`: remove them there by hand if they must not count).
 */
export type DeletedDeliveries = { cancelled: number; retracted: number; leftAtPlatform: number };

export type DealLifecycleStatus = {
  merged: number;
  deleted: number;
  restored: number;
  deletedDeliveries: Record<string, DeletedDeliveries>;
};

export function dealLifecycleStatus(
  pointers: Iterable<DealPointer>,
  deliveries: Iterable<ReportDelivery>,
): DealLifecycleStatus {
  const status: DealLifecycleStatus = { merged: 0, deleted: 0, restored: 0, deletedDeliveries: {} };
  for (const pointer of pointers) {
    if (pointer.mergedInto !== undefined) status.merged++;
    const deletedAt = pointer.deletedAt ?? Number.NEGATIVE_INFINITY;
    const restoredAt = pointer.restoredAt ?? Number.NEGATIVE_INFINITY;
    if (pointer.deletedAt !== undefined && deletedAt > restoredAt) status.deleted++;
    if (pointer.restoredAt !== undefined && restoredAt > deletedAt) status.restored++;
  }
  for (const delivery of deliveries) {
    const kind =
      delivery.status === 'skipped:deleted'
        ? 'cancelled'
        : delivery.status === 'skipped:deleted_after_upload'
          ? 'leftAtPlatform'
          : delivery.status === 'delivered' &&
              delivery.delivered?.retracted &&
              delivery.delivered.outcome === 'deleted'
            ? 'retracted'
            : undefined;
    if (!kind) continue;
    const counts = status.deletedDeliveries[delivery.destination] ?? {
      cancelled: 0,
      retracted: 0,
      leftAtPlatform: 0,
    };
    counts[kind]++;
    status.deletedDeliveries[delivery.destination] = counts;
  }
  return status;
}

export function formatDealLifecycleStatus(status: DealLifecycleStatus): string {
  const line = `CRM deals: ${status.merged} merged into another deal, ${status.deleted} deleted, ${status.restored} restored`;
  const destinations = Object.entries(status.deletedDeliveries);
  if (destinations.length === 0) return line;
  const rows = destinations.map(
    ([destination, counts]) =>
      `  ${destination}: ${counts.cancelled} cancelled before upload, ${counts.retracted} retracted, ${counts.leftAtPlatform} left at the platform`,
  );
  const manual = destinations.some(([, counts]) => counts.leftAtPlatform > 0)
    ? '\n  (left at the platform: it cannot retract them; remove them there if they must not count)'
    : '';
  return `${line}\ndeleted deals' deliveries:\n${rows.join('\n')}${manual}`;
}
