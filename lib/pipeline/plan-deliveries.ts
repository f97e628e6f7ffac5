import type { ConversionSubject, DeliveryRecord } from '../domain';

/**
 * Planning (pure): one delivery per enabled destination per subject version (an order has one version).
 * A new version re-plans the delivery (keeping what the platform accepted before, so the destination can
 * adjust); a delivery already at this version is left as it is, except a dry-run one when running for real.
 */
export type PlannedDelivery = {
  delivery: DeliveryRecord;
  /**
   * The stored state to write over (undefined: the delivery must not exist yet); the shape of the store's
   * DeliveryExpectation, named from the domain so that this pure rule imports no storage module.
   */
  expected: Pick<DeliveryRecord, 'subjectVersion' | 'attempts'> | undefined;
  /** False when the stored delivery is already right for this version: nothing to write. */
  write: boolean;
};

export const DRY_RUN_STATUS = 'skipped:dry_run';

export function planDelivery(
  subject: ConversionSubject,
  destination: string,
  existing: DeliveryRecord | undefined,
  options: { now: number; dueAt: number; dryRun: boolean },
): PlannedDelivery | undefined {
  const fresh = (attempts: number, previous?: DeliveryRecord): DeliveryRecord => ({
    subjectKey: subject.subjectKey,
    destination,
    status: 'pending',
    subjectVersion: subject.version,
    attempts,
    createdAt: previous?.createdAt ?? options.now,
    updatedAt: options.now,
    nextAttemptAt: options.dueAt,
    ...(previous?.delivered ? { delivered: previous.delivered } : {}),
    ...(previous?.platformResponseId ? { platformResponseId: previous.platformResponseId } : {}),
  });
  if (!existing) return { delivery: fresh(0), expected: undefined, write: true };
  const expected = { subjectVersion: existing.subjectVersion, attempts: existing.attempts };
  // We read an older subject than the delivery's: someone else planned the newer version.
  if (existing.subjectVersion > subject.version) return undefined;
  if (existing.subjectVersion < subject.version)
    return { delivery: fresh(0, existing), expected, write: true };
  if (existing.status === DRY_RUN_STATUS && !options.dryRun) {
    return { delivery: fresh(existing.attempts, existing), expected, write: true };
  }
  return { delivery: existing, expected, write: false };
}
