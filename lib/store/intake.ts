import type { Checkpoint, DeferredDealRecord } from '../domain';
import { DEFERRED_SHARD, ITEM_TYPES, keys } from './keys';
import { DUE_INDEX, TTL_ATTRIBUTE } from './table';
import { type Item, type PageCursor, type TableAccess, toRecord, withType } from './table-access';

/**
 * What CRM intake keeps so that nothing arrives twice or is lost: webhook receipts (`RECEIPT#<source>#<id>`,
 * expiring), deals deferred during a CRM outage (`DEFERRED#<crm>#<dealId>`, in their partition of the due
 * index) and each CRM's polling checkpoint (`CHECKPOINT#<source>`).
 */
export type IntakeStore = {
  /** Records a webhook receipt; false when it was already there (a CRM retry or a concurrent delivery). */
  putReceipt(source: string, receiptId: string, expiresAt: number): Promise<boolean>;
  getReceipts(source: string, receiptIds: readonly string[]): Promise<Set<string>>;
  getDeferredDeals(crm: string, dealIds: readonly string[]): Promise<Map<string, DeferredDealRecord>>;
  /** Writes a deferred deal if its revision is still `expectedRevision` (undefined: must not exist). */
  putDeferredDeal(deal: DeferredDealRecord, expectedRevision: number | undefined): Promise<void>;
  /** Deferred deals whose `retryAt` has come, oldest first, from their partition of the due index. */
  queryDeferredDeals(options: { now: number; limit: number; cursor?: PageCursor }): Promise<DeferredDealPage>;
  /**
   * Takes a recorded deferred deal out of the index (kept 30 days for the record). False when a webhook
   * merged a newer change into it meanwhile: it stays due.
   */
  markDeferredDealResolved(deal: DeferredDealRecord, now: number): Promise<boolean>;
  getCheckpoint(source: string): Promise<Checkpoint | undefined>;
  putCheckpoint(checkpoint: Checkpoint, expectedUntil: number | undefined): Promise<void>;
};

export type DeferredDealPage = { deals: DeferredDealRecord[]; cursor?: PageCursor };

/** How long a resolved deferred deal stays readable (for the status report and an investigation). */
const RESOLVED_DEFERRAL_TTL_DAYS = 30;

export function createIntakeStore(table: TableAccess): IntakeStore {
  return {
    async putReceipt(source, receiptId, expiresAt) {
      return table.putIfAbsent({
        ...withType(ITEM_TYPES.receipt, keys.receipt(source, receiptId), { source, receiptId }),
        [TTL_ATTRIBUTE]: expiresAt,
      });
    },

    async getReceipts(source, receiptIds) {
      const items = await table.batchGet(receiptIds.map((id) => keys.receipt(source, id)));
      return new Set(items.map((item) => String(item.receiptId)));
    },

    async getDeferredDeals(crm, dealIds) {
      const items = await table.batchGet(dealIds.map((id) => keys.deferredDeal(crm, id)));
      return new Map(items.map((item) => [String(item.dealId), toRecord<DeferredDealRecord>(item)]));
    },

    async putDeferredDeal(deal, expectedRevision) {
      const item: Item = {
        ...withType(ITEM_TYPES.deferredDeal, keys.deferredDeal(deal.crm, deal.dealId), deal),
        [DUE_INDEX.partition]: DEFERRED_SHARD,
        [DUE_INDEX.sort]: deal.retryAt,
      };
      if (expectedRevision === undefined) await table.conditionalPut(item, 'attribute_not_exists(pk)');
      else await table.conditionalPut(item, 'revision = :expected', { ':expected': expectedRevision });
    },

    async queryDeferredDeals({ now, limit, cursor }) {
      const page = await table.queryShard(DEFERRED_SHARD, { now, limit, cursor });
      const deals = page.items
        .filter((item) => item.type === ITEM_TYPES.deferredDeal)
        .map((item) => toRecord<DeferredDealRecord>(item));
      return { deals, cursor: page.cursor };
    },

    async markDeferredDealResolved(deal, now) {
      return table.conditionalUpdate({
        Key: { pk: keys.deferredDeal(deal.crm, deal.dealId) },
        UpdateExpression: 'SET resolvedAt = :now, #ttl = :expires REMOVE #shard, #dueAt',
        ConditionExpression: 'revision = :revision',
        ExpressionAttributeNames: {
          '#shard': DUE_INDEX.partition,
          '#dueAt': DUE_INDEX.sort,
          '#ttl': TTL_ATTRIBUTE,
        },
        ExpressionAttributeValues: {
          ':now': now,
          ':expires': Math.floor(now / 1000) + RESOLVED_DEFERRAL_TTL_DAYS * 86_400,
          ':revision': deal.revision,
        },
      });
    },

    async getCheckpoint(source) {
      const item = await table.getItem(keys.checkpoint(source));
      return item ? toRecord<Checkpoint>(item) : undefined;
    },

    async putCheckpoint(checkpoint, expectedUntil) {
      const item = withType(ITEM_TYPES.checkpoint, keys.checkpoint(checkpoint.source), checkpoint);
      if (expectedUntil === undefined) await table.conditionalPut(item, 'attribute_not_exists(pk)');
      else {
        // `until` is a DynamoDB reserved word: it can only be named through a placeholder.
        await table.conditionalPut(
          item,
          '#until = :expected',
          { ':expected': expectedUntil },
          { '#until': 'until' },
        );
      }
    },
  };
}
