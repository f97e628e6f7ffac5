import { type CloseRecord, type ConversionSubject, type OrderRecord, orderIdOfSubjectKey } from '../domain';
import { DUE_SHARD, ITEM_TYPES, keys } from './keys';
import { DUE_INDEX } from './table';
import { type Item, type TableAccess, toRecord, withType } from './table-access';

/**
 * What deliveries are about: closes (`CLOSE#<subjectKey>`, versioned), orders (`ORDER#<orderId>`, written
 * once) and the deal pointers (`DEAL#<crm>#<dealId>`) that lead from a CRM deal to its close. A subject
 * whose deliveries are not planned yet sits in the due index until `markSubjectPlanned`.
 */
export type SubjectStore = {
  getClose(subjectKey: string): Promise<CloseRecord | undefined>;
  getCloses(closeKeys: readonly string[]): Promise<Map<string, CloseRecord>>;
  /** Writes a close if its version is still `expectedVersion`; an unplanned close enters the due index. */
  putClose(close: CloseRecord, expectedVersion: number | undefined): Promise<void>;
  /**
   * Writes a new order; false when one with this ID is already stored (a repeated `event.id`, or a
   * concurrent delivery of the same push). An unplanned order enters the due index.
   */
  putOrder(order: OrderRecord): Promise<boolean>;
  /** Closes and orders by subject key (a close key, or `order:<id>`), in one BatchGetItem per 100. */
  getSubjects(subjectKeys: readonly string[]): Promise<Map<string, ConversionSubject>>;
  /**
   * Takes a subject (a close or an order) out of the due index once its deliveries for `version` exist.
   * False if it moved on.
   */
  markSubjectPlanned(subjectKey: string, version: number): Promise<boolean>;
  /** Remembers which close a CRM deal became, so a later non-terminal change can find it. */
  putDealPointer(crm: string, dealId: string, subjectKey: string): Promise<void>;
  getDealPointers(crm: string, dealIds: readonly string[]): Promise<Map<string, string>>;
};

/** The item of a subject key: `ORDER#<id>` for `order:<id>`, else `CLOSE#<subjectKey>`. */
function subjectPk(subjectKey: string): string {
  const orderId = orderIdOfSubjectKey(subjectKey);
  return orderId === undefined ? keys.close(subjectKey) : keys.order(orderId);
}

/** A subject item as written: an unplanned one enters the due index, by when it last changed. */
function subjectItem(
  pk: string,
  type: typeof ITEM_TYPES.close | typeof ITEM_TYPES.order,
  subject: ConversionSubject,
) {
  const item: Item = withType(type, pk, subject);
  if (!subject.planned) {
    item[DUE_INDEX.partition] = DUE_SHARD;
    item[DUE_INDEX.sort] = subject.updatedAt;
  }
  return item;
}

export function createSubjectStore(table: TableAccess): SubjectStore {
  return {
    async getClose(subjectKey) {
      const item = await table.getItem(keys.close(subjectKey));
      return item ? toRecord<CloseRecord>(item) : undefined;
    },

    async getCloses(closeKeys) {
      const items = await table.batchGet(closeKeys.map((key) => keys.close(key)));
      return new Map(
        items.map((item) => {
          const close = toRecord<CloseRecord>(item);
          return [close.subjectKey, close];
        }),
      );
    },

    async putClose(close, expectedVersion) {
      const item = subjectItem(keys.close(close.subjectKey), ITEM_TYPES.close, close);
      if (expectedVersion === undefined) await table.conditionalPut(item, 'attribute_not_exists(pk)');
      else await table.conditionalPut(item, 'version = :expected', { ':expected': expectedVersion });
    },

    async putOrder(order) {
      return table.putIfAbsent(subjectItem(keys.order(order.orderId), ITEM_TYPES.order, order));
    },

    async getSubjects(subjectKeys) {
      const items = await table.batchGet(subjectKeys.map((key) => subjectPk(key)));
      const subjects = new Map<string, ConversionSubject>();
      for (const item of items) {
        const subject = toRecord<ConversionSubject>(item);
        subjects.set(subject.subjectKey, subject);
      }
      return subjects;
    },

    async markSubjectPlanned(subjectKey, version) {
      return table.conditionalUpdate({
        Key: { pk: subjectPk(subjectKey) },
        UpdateExpression: 'SET planned = :true REMOVE #shard, #dueAt',
        ConditionExpression: 'version = :version',
        ExpressionAttributeNames: { '#shard': DUE_INDEX.partition, '#dueAt': DUE_INDEX.sort },
        ExpressionAttributeValues: { ':true': true, ':version': version },
      });
    },

    async putDealPointer(crm, dealId, subjectKey) {
      await table.put(withType(ITEM_TYPES.deal, keys.deal(crm, dealId), { crm, dealId, subjectKey }));
    },

    async getDealPointers(crm, dealIds) {
      const items = await table.batchGet(dealIds.map((id) => keys.deal(crm, id)));
      return new Map(
        items.map((item) => {
          const pointer = toRecord<{ dealId: string; subjectKey: string }>(item);
          return [pointer.dealId, pointer.subjectKey];
        }),
      );
    },
  };
}
