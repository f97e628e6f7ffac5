import type { CloseRecord } from './close';
import type { OrderRecord } from './order';

/** What the delivery pipeline delivers: a CRM close or an order. */
export type ConversionSubject = CloseRecord | OrderRecord;

export function isOrderSubject(subject: ConversionSubject): subject is OrderRecord {
  return (subject as OrderRecord).kind === 'order';
}

/**
 * An unplanned subject still being dispatched by the call that recorded it (CloseRecord.claimedUntil):
 * anyone else leaves its planning to that call until the claim ends.
 */
export function isClaimed(subject: ConversionSubject, now: number): boolean {
  return !subject.planned && 'claimedUntil' in subject && (subject.claimedUntil ?? 0) > now;
}

/** When an unplanned subject becomes due: when it last changed, or when its recorder's claim ends. */
export function subjectDueAt(subject: ConversionSubject): number {
  return 'claimedUntil' in subject && subject.claimedUntil !== undefined
    ? Math.max(subject.updatedAt, subject.claimedUntil)
    : subject.updatedAt;
}
