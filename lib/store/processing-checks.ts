import type { DeliveryRecord, ProcessingCheckRecord } from '../domain';
import { ITEM_TYPES, keys, PROCESSING_SHARD } from './keys';
import { DUE_INDEX, TTL_ATTRIBUTE } from './table';
import { type PageCursor, type TableAccess, toRecord, withType } from './table-access';

/**
 * Platform requests awaiting their processing result (`REQUEST#<destination>#<requestId>`), in their own
 * partition of the due index by when to ask: the backfill reads only those due, one status call each.
 * A request that carried one delivery keeps its check on that delivery instead (`processingCheck`, same
 * partition): read, rescheduled and ended the same way. Each change is conditional on the number of checks
 * read, so two runs never both record one answer.
 */
export type ProcessingCheckStore = {
  /** Records a request's check; false when it was already recorded (a repeated write). */
  putProcessingCheck(check: ProcessingCheckRecord): Promise<boolean>;
  /** Checks due by `now`, oldest first. */
  queryProcessingChecks(options: {
    now: number;
    limit: number;
    cursor?: PageCursor;
  }): Promise<{ checks: ProcessingCheckRecord[]; cursor?: PageCursor }>;
  /** Asks again at `checkAt`; false when another run moved the check on meanwhile. */
  rescheduleProcessingCheck(
    check: ProcessingCheckRecord,
    checkAt: number,
    lastAnswer: string,
  ): Promise<boolean>;
  /** The result is recorded: the check leaves the index (kept 30 days for the record). */
  resolveProcessingCheck(check: ProcessingCheckRecord, now: number, answer: string): Promise<boolean>;
};

const RESOLVED_CHECK_TTL_DAYS = 30;

export function createProcessingCheckStore(table: TableAccess): ProcessingCheckStore {
  const key = (check: ProcessingCheckRecord) => ({
    pk: check.onDelivery
      ? keys.delivery(check.subjectKeys[0] ?? '', check.destination)
      : keys.processingCheck(check.destination, check.requestId),
  });
  return {
    async putProcessingCheck(check) {
      return table.putIfAbsent({
        ...withType(ITEM_TYPES.processingCheck, key(check).pk, check),
        [DUE_INDEX.partition]: PROCESSING_SHARD,
        [DUE_INDEX.sort]: check.checkAt,
      });
    },

    async queryProcessingChecks({ now, limit, cursor }) {
      const page = await table.queryShard(PROCESSING_SHARD, { now, limit, cursor });
      const checks = page.items.flatMap((item) => {
        if (item.type === ITEM_TYPES.processingCheck) return [toRecord<ProcessingCheckRecord>(item)];
        if (item.type === ITEM_TYPES.delivery) return checkOnDelivery(toRecord<DeliveryRecord>(item));
        return [];
      });
      return { checks, ...(page.cursor ? { cursor: page.cursor } : {}) };
    },

    async rescheduleProcessingCheck(check, checkAt, lastAnswer) {
      if (check.onDelivery) {
        return table.conditionalUpdate({
          Key: key(check),
          UpdateExpression:
            'SET #dueAt = :checkAt, processingCheck.checkAt = :checkAt, processingCheck.checks = :next, processingCheck.lastAnswer = :answer',
          ConditionExpression:
            'processingCheck.checks = :checks AND platformResponseId = :requestId AND #shard = :shard',
          ExpressionAttributeNames: { '#shard': DUE_INDEX.partition, '#dueAt': DUE_INDEX.sort },
          ExpressionAttributeValues: {
            ':checkAt': checkAt,
            ':checks': check.checks,
            ':next': check.checks + 1,
            ':answer': lastAnswer,
            ':requestId': check.requestId,
            ':shard': PROCESSING_SHARD,
          },
        });
      }
      return table.conditionalUpdate({
        Key: key(check),
        UpdateExpression: 'SET #dueAt = :checkAt, checkAt = :checkAt, checks = :next, lastAnswer = :answer',
        ConditionExpression: 'checks = :checks AND attribute_exists(#shard)',
        ExpressionAttributeNames: { '#shard': DUE_INDEX.partition, '#dueAt': DUE_INDEX.sort },
        ExpressionAttributeValues: {
          ':checkAt': checkAt,
          ':checks': check.checks,
          ':next': check.checks + 1,
          ':answer': lastAnswer,
        },
      });
    },

    async resolveProcessingCheck(check, now, answer) {
      // The delivery's own write of the result (any status but `accepted`) took the check off it; a
      // delivery that could not be written keeps its check, asked again by the next run.
      if (check.onDelivery) return true;
      return table.conditionalUpdate({
        Key: key(check),
        UpdateExpression:
          'SET resolvedAt = :now, checks = :next, lastAnswer = :answer, #ttl = :expires REMOVE #shard, #dueAt',
        ConditionExpression: 'checks = :checks AND attribute_exists(#shard)',
        ExpressionAttributeNames: {
          '#shard': DUE_INDEX.partition,
          '#dueAt': DUE_INDEX.sort,
          '#ttl': TTL_ATTRIBUTE,
        },
        ExpressionAttributeValues: {
          ':now': now,
          ':checks': check.checks,
          ':next': check.checks + 1,
          ':answer': answer,
          ':expires': Math.floor(now / 1000) + RESOLVED_CHECK_TTL_DAYS * 86_400,
        },
      });
    },
  };
}

/** The check an accepted delivery carries for the request that carried it alone. */
function checkOnDelivery(delivery: DeliveryRecord): ProcessingCheckRecord[] {
  const check = delivery.processingCheck;
  if (delivery.status !== 'accepted' || !check || !delivery.platformResponseId) return [];
  return [
    {
      destination: delivery.destination,
      requestId: delivery.platformResponseId,
      uploadedAt: delivery.updatedAt,
      checkAt: check.checkAt,
      checks: check.checks,
      events: 1,
      subjectKeys: [delivery.subjectKey],
      ...(check.lastAnswer !== undefined ? { lastAnswer: check.lastAnswer } : {}),
      onDelivery: true,
    },
  ];
}
