import {
  type CloseRecord,
  type ConversionSubject,
  type DealLifecycleMarks,
  type DealPointer,
  type OrderRecord,
  orderIdOfSubjectKey,
  parseStageSubjectKey,
  type StageRecord,
  subjectDueAt,
} from '../domain';
import { DUE_SHARD, ITEM_TYPES, keys } from './keys';
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
  /**
   * Writes a stage a lead reached; false when it is already stored (reached or reported before, or a
   * concurrent delivery of the same change): a stage is recorded once. An unplanned stage enters the due index.
   */
  putStage(stage: StageRecord): Promise<boolean>;
  /** Closes and orders by subject key (a close key, or `order:<id>`), in one BatchGetItem per 100. */
  getSubjects(subjectKeys: readonly string[]): Promise<Map<string, ConversionSubject>>;
  /**
   * Takes a subject (a close or an order) out of the due index once its deliveries for `version` exist.
   * False if it moved on.
   */
  markSubjectPlanned(subjectKey: string, version: number): Promise<boolean>;
  /**
   * Remembers which close a CRM deal became, so a later non-terminal change can find it, and what happened
   * to the deal (merged, deleted, restored). Each call sets only what it is given: a close's write never
   * erases the deal's lifecycle marks, a mark never erases its close key.
   */
  putDealPointer(
    crm: string,
    dealId: string,
    subjectKey: string | undefined,
    marks?: DealLifecycleMarks,
  ): Promise<void>;
  /** Each deal's close key, for the deals that became a close. */
  getDealPointers(crm: string, dealIds: readonly string[]): Promise<Map<string, string>>;
  /** Each deal's whole pointer: its close key (if any) and its lifecycle marks. */
  getDealPointerRecords(crm: string, dealIds: readonly string[]): Promise<Map<string, DealPointer>>;
  /** Every deal pointer, page by page: for the status report only (never on a hot path). */
  scanDealPointers(cursor?: PageCursor): Promise<{ items: DealPointer[]; cursor?: PageCursor }>;
};

/**
 * The item of a subject key: `ORDER#<id>` for `order:<id>`, `STAGE#<leadKey>#<stage>` for
 * `stage:<stage>:<leadKey>`, else `CLOSE#<subjectKey>`.
 */
export function subjectPk(subjectKey: string): string {
  const orderId = orderIdOfSubjectKey(subjectKey);
  if (orderId !== undefined) return keys.order(orderId);
  const stage = parseStageSubjectKey(subjectKey);
  return stage === undefined ? keys.close(subjectKey) : keys.stage(stage.leadKey, stage.stage);
}

/** A subject item as written: an unplanned one enters the due index, by when it becomes due (subjectDueAt). */
function subjectItem(
  pk: string,
  type: typeof ITEM_TYPES.close | typeof ITEM_TYPES.order | typeof ITEM_TYPES.stage,
  subject: ConversionSubject,
) {
  const item: Item = withType(type, pk, subject);
  if (!subject.planned) {
    item[DUE_INDEX.partition] = DUE_SHARD;
    item[DUE_INDEX.sort] = subjectDueAt(subject);
  }
  return item;
}

export function createSubjectStore(table: TableAccess): SubjectStore {
  async function readPointers(crm: string, dealIds: readonly string[]) {
    const items = await table.batchGet([...new Set(dealIds)].map((id) => keys.deal(crm, id)));
    return new Map(
      items.map((item) => {
        const pointer = toRecord<DealPointer>(item);
        return [pointer.dealId, pointer];
      }),
    );
  }

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

    async putStage(stage) {
      return table.putIfAbsent(subjectItem(keys.stage(stage.leadKey, stage.stage), ITEM_TYPES.stage, stage));
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

    async putDealPointer(crm, dealId, subjectKey, marks = {}) {
      // An update, not a put: the last writer of each attribute wins, the others stay.
      const fields: Record<string, unknown> = {
        type: ITEM_TYPES.deal,
        crm,
        dealId,
        ...(subjectKey === undefined ? {} : { [STORED_ATTRIBUTE_NAMES.subjectKey]: subjectKey }),
        ...Object.fromEntries(Object.entries(marks).filter(([, value]) => value !== undefined)),
      };
      const names = Object.keys(fields);
      await table.conditionalUpdate({
        Key: { pk: keys.deal(crm, dealId) },
        UpdateExpression: `SET ${names.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#f${index}`, name])),
        ExpressionAttributeValues: Object.fromEntries(
          names.map((name, index) => [`:f${index}`, fields[name]]),
        ),
      });
    },

    async getDealPointers(crm, dealIds) {
      const pointers = await readPointers(crm, dealIds);
      return new Map(
        [...pointers].flatMap(([dealId, pointer]) =>
          pointer.subjectKey === undefined ? [] : [[dealId, pointer.subjectKey] as const],
        ),
      );
    },

    getDealPointerRecords: readPointers,

    async scanDealPointers(cursor) {
      const page = await table.scanType(ITEM_TYPES.deal, cursor);
      return { items: page.items.map((item) => toRecord<DealPointer>(item)), cursor: page.cursor };
    },
  };
}
