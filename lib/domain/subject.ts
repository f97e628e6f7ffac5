import type { CloseRecord } from './close';
import type { OrderRecord } from './order';
import type { StageRecord } from './stage';

/** What the delivery pipeline delivers: a CRM close, an order, or a funnel stage a lead reached. */
export type ConversionSubject = CloseRecord | OrderRecord | StageRecord;

export function isOrderSubject(subject: ConversionSubject): subject is OrderRecord {
  return (subject as OrderRecord).kind === 'order';
}

export function isStageSubject(subject: ConversionSubject): subject is StageRecord {
  return (subject as StageRecord).kind === 'stage';
}

/** A close: neither an order nor a stage. */
export function isCloseSubject(subject: ConversionSubject): subject is CloseRecord {
  return !isOrderSubject(subject) && !isStageSubject(subject);
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
