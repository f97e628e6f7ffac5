import {
  type ConversionSubject,
  type DeliveryListing,
  type DeliveryRecord,
  deliveryState,
  failureReason,
  isAwaitingAttempt,
} from '../domain';
import { DUE_SHARD, FAILED_SHARD, ITEM_TYPES, keys, PROCESSING_SHARD, settledShard } from './keys';
import { DUE_INDEX } from './table';
import {
  type Item,
  type PageCursor,
  STORED_ATTRIBUTE_NAMES,
  type TableAccess,
  toRecord,
  withType,
} from './table-access';

/**
 * One delivery per subject and destination (`DELIVERY#<subjectKey>#<destination>`), and the reads of the
 * due index that find the work: the due partition (deliveries to attempt and subjects to plan, oldest
 * first) and the failed one (deliveries that gave up).
 */
export type DeliveryStore = {
  /** Deliveries by ref, keyed by `deliveryRefKey(ref)`; a ref never written is absent. */
  getDeliveries(refs: readonly DeliveryRef[]): Promise<Map<string, DeliveryRecord>>;
  /**
   * Writes a delivery if it is still at `expected` (subjectVersion and attempts as read; undefined: must not
   * exist). Pending, retrying and waiting deliveries enter the due index at `nextAttemptAt`; an accepted
   * one that carries its request's processing check enters the processing partition at its `checkAt`.
   */
  putDelivery(delivery: DeliveryRecord, expected: DeliveryExpectation | undefined): Promise<void>;
  /** Due work, oldest first, from the sparse index only. */
  queryDue(options: { now: number; limit: number; cursor?: DueCursor }): Promise<DuePage>;
  /**
   * Deliveries that gave up (`failed:<reason>`), from their own partition of the due index: oldest failure
   * first, or newest first with `newestFirst`. Only a manual `retryNow` and the status report read it.
   */
  queryFailed(options: { limit: number; cursor?: DueCursor; newestFirst?: boolean }): Promise<FailedPage>;
  /** Every delivery, page by page: for the status report only (never on a hot path). */
  scanDeliveries(cursor?: PageCursor): Promise<{ items: DeliveryRecord[]; cursor?: PageCursor }>;
  /**
   * One page of one partition of the due index a listing reads (LISTING_PARTITIONS), its deliveries only,
   * newest first by the partition's time — when the next attempt is due (DUE) or the check is (PROCESSING),
   * else when they last changed — within `from`..`to` of it (ms, inclusive). Each comes with its position, the cursor that starts a page
   * just after it.
   */
  queryDeliveryListing(
    partition: DeliveryPartition,
    options: { limit: number; cursor?: PageCursor | undefined; from?: number; to?: number },
  ): Promise<DeliveryListingPage>;
  /**
   * Puts a settled delivery written before the `STATUS#<state>` partitions existed into its partition (the
   * dashboard's `--index-deliveries`), if it is still as read and in no partition; false otherwise (it was
   * already, or it changed meanwhile — and a write puts it in its partition anyway). Safe to repeat.
   */
  indexSettledDelivery(delivery: DeliveryRecord): Promise<boolean>;
};

/**
 * Where each listing's deliveries sit in the due index: waiting ones in the due work, failed ones in theirs,
 * an accepted one in `STATUS#accepted` or — while the processing check rides on the delivery — in the
 * processing checks' partition, the others in `STATUS#<state>`.
 */
export const LISTING_PARTITIONS = {
  waiting: [DUE_SHARD],
  accepted: [settledShard('accepted'), PROCESSING_SHARD],
  processed: [settledShard('processed')],
  partial_success: [settledShard('partial_success')],
  delivered: [settledShard('delivered')],
  skipped: [settledShard('skipped')],
  failed: [FAILED_SHARD],
} as const satisfies Record<DeliveryListing, readonly string[]>;
export type DeliveryPartition = (typeof LISTING_PARTITIONS)[DeliveryListing][number];
export const DELIVERY_PARTITIONS: readonly DeliveryPartition[] = [
  ...new Set(Object.values(LISTING_PARTITIONS).flat()),
];

export type DeliveryListingPage = {
  entries: { delivery: DeliveryRecord; position: PageCursor }[];
  cursor?: PageCursor;
};

/** Where the next page of the due (or failed) partition starts. */
export type DueCursor = PageCursor;
export type DeliveryRef = { subjectKey: string; destination: string };
export type DeliveryExpectation = { subjectVersion: number; attempts: number };
/** `subject`: a subject (a close or an order) whose deliveries are not planned yet. */
export type DueItem =
  | { type: 'subject'; subject: ConversionSubject }
  | { type: 'delivery'; delivery: DeliveryRecord };
export type DuePage = { items: DueItem[]; cursor?: DueCursor };
export type FailedPage = { deliveries: DeliveryRecord[]; cursor?: DueCursor };

/** The key `getDeliveries` answers a ref under. */
export function deliveryRefKey(ref: DeliveryRef): string {
  return keys.delivery(ref.subjectKey, ref.destination);
}

export function createDeliveryStore(table: TableAccess): DeliveryStore {
  return {
    async getDeliveries(refs) {
      const items = await table.batchGet(refs.map(deliveryRefKey));
      return new Map(items.map((item) => [String(item.pk), toRecord<DeliveryRecord>(item)]));
    },

    async putDelivery(delivery, expected) {
      const { processingCheck, ...rest } = delivery;
      // A check lives only while its delivery is accepted: any later status ends it with the same write.
      const check = delivery.status === 'accepted' ? processingCheck : undefined;
      const item: Item = withType(
        ITEM_TYPES.delivery,
        keys.delivery(delivery.subjectKey, delivery.destination),
        check ? { ...rest, processingCheck: check } : rest,
      );
      if (check) {
        item[DUE_INDEX.partition] = PROCESSING_SHARD;
        item[DUE_INDEX.sort] = check.checkAt;
      } else if (isAwaitingAttempt(delivery.status) && delivery.nextAttemptAt !== undefined) {
        item[DUE_INDEX.partition] = DUE_SHARD;
        item[DUE_INDEX.sort] = delivery.nextAttemptAt;
      } else if (failureReason(delivery.status) !== undefined) {
        item[DUE_INDEX.partition] = FAILED_SHARD;
        item[DUE_INDEX.sort] = delivery.updatedAt;
      } else if (!isAwaitingAttempt(delivery.status)) {
        item[DUE_INDEX.partition] = settledShard(deliveryState(delivery.status));
        item[DUE_INDEX.sort] = delivery.updatedAt;
      }
      if (expected === undefined) await table.conditionalPut(item, 'attribute_not_exists(pk)');
      else {
        await table.conditionalPut(
          item,
          `${STORED_ATTRIBUTE_NAMES.subjectVersion} = :version AND attempts = :attempts`,
          {
            ':version': expected.subjectVersion,
            ':attempts': expected.attempts,
          },
        );
      }
    },

    async queryDue({ now, limit, cursor }) {
      const page = await table.queryShard(DUE_SHARD, { now, limit, cursor });
      const items: DueItem[] = [];
      // The due partition holds unplanned subjects (closes, orders, stages: lib/store/subjects.ts) beside
      // deliveries.
      for (const item of page.items) {
        if (
          item.type === ITEM_TYPES.close ||
          item.type === ITEM_TYPES.order ||
          item.type === ITEM_TYPES.stage
        ) {
          items.push({ type: 'subject', subject: toRecord<ConversionSubject>(item) });
        } else if (item.type === ITEM_TYPES.delivery) {
          items.push({ type: 'delivery', delivery: toRecord<DeliveryRecord>(item) });
        }
      }
      return { items, cursor: page.cursor };
    },

    async queryFailed({ limit, cursor, newestFirst }) {
      const page = await table.queryShard(FAILED_SHARD, { limit, cursor, newestFirst });
      const deliveries = page.items
        .filter((item) => item.type === ITEM_TYPES.delivery)
        .map((item) => toRecord<DeliveryRecord>(item));
      return { deliveries, cursor: page.cursor };
    },

    async indexSettledDelivery(delivery) {
      if (isAwaitingAttempt(delivery.status) || failureReason(delivery.status) !== undefined) return false;
      return table.conditionalUpdate({
        Key: { pk: keys.delivery(delivery.subjectKey, delivery.destination) },
        UpdateExpression: 'SET #shard = :shard, #dueAt = :at',
        ConditionExpression:
          'attribute_not_exists(#shard) AND #status = :status AND attempts = :attempts AND #version = :version',
        ExpressionAttributeNames: {
          '#shard': DUE_INDEX.partition,
          '#dueAt': DUE_INDEX.sort,
          '#status': 'status',
          '#version': STORED_ATTRIBUTE_NAMES.subjectVersion,
        },
        ExpressionAttributeValues: {
          ':shard': settledShard(deliveryState(delivery.status)),
          ':at': delivery.updatedAt,
          ':status': delivery.status,
          ':attempts': delivery.attempts,
          ':version': delivery.subjectVersion,
        },
      });
    },

    async queryDeliveryListing(shard, { limit, cursor, from, to }) {
      const range = { from, to };
      const page = await table.queryShard(shard, { limit, cursor, newestFirst: true, ...range });
      const entries = page.items
        .filter((item) => item.type === ITEM_TYPES.delivery)
        .map((item) => ({
          delivery: toRecord<DeliveryRecord>(item),
          position: {
            pk: item.pk,
            [DUE_INDEX.partition]: item[DUE_INDEX.partition],
            [DUE_INDEX.sort]: item[DUE_INDEX.sort],
          },
        }));
      return { entries, ...(page.cursor ? { cursor: page.cursor } : {}) };
    },

    async scanDeliveries(cursor) {
      const page = await table.scanType(ITEM_TYPES.delivery, cursor);
      return { items: page.items.map((item) => toRecord<DeliveryRecord>(item)), cursor: page.cursor };
    },
  };
}
