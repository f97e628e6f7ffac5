import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type Checkpoint,
  type CloseRecord,
  type ConversionSubject,
  type DeferredDealRecord,
  type DeliveryRecord,
  failureReason,
  isAwaitingAttempt,
  type LeadRecord,
  type OrderRecord,
  orderIdOfSubjectKey,
} from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { DEFERRED_SHARD, DUE_SHARD, FAILED_SHARD, ITEM_TYPES, type ItemType, keys } from './keys';
import { DUE_INDEX, STORED_ATTRIBUTE_NAMES, TABLE_KEY, TTL_ATTRIBUTE } from './table';

/**
 * The storage verbs of the connector, and nothing else: deciding what to write (merging a lead,
 * versioning a close, scheduling a retry) belongs to the callers. Every write that could race is
 * conditional, so repeating a step or running two at once never produces a second record.
 */
export type Store = {
  readonly tableName: string;
  getLead(leadId: string): Promise<LeadRecord | undefined>;
  getLeads(leadIds: readonly string[]): Promise<Map<string, LeadRecord>>;
  /** Writes a lead if its revision is still `expectedRevision` (undefined: the lead must not exist yet). */
  putLead(lead: LeadRecord, expectedRevision: number | undefined, expiresAt: number): Promise<void>;
  getClose(subjectKey: string): Promise<CloseRecord | undefined>;
  getCloses(closeKeys: readonly string[]): Promise<Map<string, CloseRecord>>;
  /** Writes a close if its version is still `expectedVersion`; an unplanned close enters the due index. */
  putClose(close: CloseRecord, expectedVersion: number | undefined): Promise<void>;
  /** Takes a close out of the due index once its deliveries for `version` exist. False if it moved on. */
  markClosePlanned(subjectKey: string, version: number): Promise<boolean>;
  /**
   * Writes a new order; false when one with this ID is already stored (a repeated `event.id`, or a
   * concurrent delivery of the same push). An unplanned order enters the due index.
   */
  putOrder(order: OrderRecord): Promise<boolean>;
  getOrder(orderId: string): Promise<OrderRecord | undefined>;
  /** Closes and orders by subject key (a close key, or `order:<id>`), in one BatchGetItem per 100. */
  getSubjects(subjectKeys: readonly string[]): Promise<Map<string, ConversionSubject>>;
  /** `markClosePlanned` for either kind of subject. False if it moved on. */
  markSubjectPlanned(subjectKey: string, version: number): Promise<boolean>;
  /** Remembers which close a CRM deal became, so a later non-terminal change can find it. */
  putDealPointer(crm: string, dealId: string, subjectKey: string): Promise<void>;
  getDealPointers(crm: string, dealIds: readonly string[]): Promise<Map<string, string>>;
  getDeliveries(refs: readonly DeliveryRef[]): Promise<Map<string, DeliveryRecord>>;
  /**
   * Writes a delivery if it is still at `expected` (subjectVersion and attempts as read; undefined: must not
   * exist). Pending, retrying and waiting deliveries enter the due index at `nextAttemptAt`.
   */
  putDelivery(delivery: DeliveryRecord, expected: DeliveryExpectation | undefined): Promise<void>;
  /** Due work, oldest first, from the sparse index only. */
  queryDue(options: { now: number; limit: number; cursor?: DueCursor }): Promise<DuePage>;
  /**
   * Deliveries that gave up (`failed:<reason>`), from their own partition of the due index: oldest failure
   * first, or newest first with `newestFirst`. Only a manual `retryNow` and the status report read it.
   */
  queryFailed(options: { limit: number; cursor?: DueCursor; newestFirst?: boolean }): Promise<FailedPage>;
  /** Records a webhook receipt; false when it was already there (a CRM retry or a concurrent delivery). */
  putReceipt(source: string, receiptId: string, expiresAt: number): Promise<boolean>;
  getReceipts(source: string, receiptIds: readonly string[]): Promise<Set<string>>;
  getDeferredDeals(crm: string, dealIds: readonly string[]): Promise<Map<string, DeferredDealRecord>>;
  /** Writes a deferred deal if its revision is still `expectedRevision` (undefined: must not exist). */
  putDeferredDeal(deal: DeferredDealRecord, expectedRevision: number | undefined): Promise<void>;
  /** Deferred deals whose `retryAt` has come, oldest first, from their partition of the due index. */
  queryDeferredDeals(options: {
    now: number;
    limit: number;
    cursor?: DueCursor;
  }): Promise<{ deals: DeferredDealRecord[]; cursor?: DueCursor }>;
  /**
   * Takes a recorded deferred deal out of the index (kept 30 days for the record). False when a webhook
   * merged a newer change into it meanwhile: it stays due.
   */
  markDeferredDealResolved(deal: DeferredDealRecord, now: number): Promise<boolean>;
  getCheckpoint(source: string): Promise<Checkpoint | undefined>;
  putCheckpoint(checkpoint: Checkpoint, expectedUntil: number | undefined): Promise<void>;
  /** Every delivery, page by page: for the status report only (never on a hot path). */
  scanDeliveries(
    cursor?: Record<string, unknown>,
  ): Promise<{ items: DeliveryRecord[]; cursor?: Record<string, unknown> }>;
};

export type DeliveryRef = { subjectKey: string; destination: string };
export type DeliveryExpectation = { subjectVersion: number; attempts: number };
export type DueCursor = Record<string, unknown>;
/** `close`: a subject (a close or an order) whose deliveries are not planned yet. */
export type DueItem =
  | { type: 'subject'; subject: ConversionSubject }
  | { type: 'delivery'; delivery: DeliveryRecord };
export type DuePage = { items: DueItem[]; cursor?: DueCursor };
export type FailedPage = { deliveries: DeliveryRecord[]; cursor?: DueCursor };

export function deliveryRefKey(ref: DeliveryRef): string {
  return keys.delivery(ref.subjectKey, ref.destination);
}

const BATCH_GET_LIMIT = 100;
/** How long a resolved deferred deal stays readable (for the status report and an investigation). */
const RESOLVED_DEFERRAL_TTL_DAYS = 30;
const SYSTEM_ATTRIBUTES = [TABLE_KEY.partition, 'type', DUE_INDEX.partition, DUE_INDEX.sort, TTL_ATTRIBUTE];

type Item = Record<string, unknown>;

const RECORD_FIELD_OF_ATTRIBUTE = Object.fromEntries(
  Object.entries(STORED_ATTRIBUTE_NAMES).map(([field, attribute]) => [attribute, field]),
) as Record<string, string>;

function toRecord<T>(item: Item): T {
  const record: Item = {};
  for (const [name, value] of Object.entries(item)) record[RECORD_FIELD_OF_ATTRIBUTE[name] ?? name] = value;
  for (const name of SYSTEM_ATTRIBUTES) delete record[name];
  return record as T;
}

function toAttributes(record: object): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(record)) {
    item[STORED_ATTRIBUTE_NAMES[name as keyof typeof STORED_ATTRIBUTE_NAMES] ?? name] = value;
  }
  return item;
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

export function createStore(options: { client: DynamoDBClient; tableName: string }): Store {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const TableName = options.tableName;

  async function getItem(pk: string): Promise<Item | undefined> {
    const result = await doc.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }));
    return result.Item;
  }

  /** BatchGetItem in chunks of 100, re-requesting unprocessed keys (throttling) with a short back-off. */
  async function batchGet(pks: readonly string[]): Promise<Item[]> {
    const unique = [...new Set(pks)];
    const found: Item[] = [];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      let requestKeys: Record<string, unknown>[] | undefined = unique
        .slice(start, start + BATCH_GET_LIMIT)
        .map((pk) => ({ pk }));
      for (let round = 0; requestKeys && requestKeys.length > 0; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** round, 1000)));
        const result = await doc.send(
          new BatchGetCommand({ RequestItems: { [TableName]: { Keys: requestKeys, ConsistentRead: true } } }),
        );
        found.push(...(result.Responses?.[TableName] ?? []));
        requestKeys = result.UnprocessedKeys?.[TableName]?.Keys as Record<string, unknown>[] | undefined;
        if (round > 8 && requestKeys && requestKeys.length > 0) {
          throw new Error(`BatchGetItem left ${requestKeys.length} keys unprocessed after ${round} rounds`);
        }
      }
    }
    return found;
  }

  async function conditionalPut(
    item: Item,
    condition: string,
    values?: Item,
    names?: Record<string, string>,
  ) {
    try {
      await doc.send(
        new PutCommand({
          TableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConcurrentUpdateError(`${String(item.pk)} changed while it was being written`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  function withType(type: ItemType, pk: string, record: object): Item {
    return { pk, type, ...toAttributes(record) };
  }

  /** The item of a subject key: `ORDER#<id>` for `order:<id>`, else `CLOSE#<subjectKey>`. */
  function subjectPk(subjectKey: string): string {
    const orderId = orderIdOfSubjectKey(subjectKey);
    return orderId === undefined ? keys.close(subjectKey) : keys.order(orderId);
  }

  /** One page of a partition of the due index, oldest first (or newest first), up to `now` when given. */
  async function queryShard(
    shard: string,
    options: {
      now?: number;
      limit: number;
      cursor?: DueCursor | undefined;
      newestFirst?: boolean | undefined;
    },
  ): Promise<{ items: Item[]; cursor?: DueCursor }> {
    const upTo = options.now !== undefined;
    const result = await doc.send(
      new QueryCommand({
        TableName,
        IndexName: DUE_INDEX.name,
        KeyConditionExpression: upTo ? '#shard = :shard AND #dueAt <= :now' : '#shard = :shard',
        ExpressionAttributeNames: {
          '#shard': DUE_INDEX.partition,
          ...(upTo ? { '#dueAt': DUE_INDEX.sort } : {}),
        },
        ExpressionAttributeValues: { ':shard': shard, ...(upTo ? { ':now': options.now } : {}) },
        ScanIndexForward: !options.newestFirst,
        Limit: options.limit,
        ExclusiveStartKey: options.cursor,
      }),
    );
    return { items: result.Items ?? [], cursor: result.LastEvaluatedKey };
  }

  /** markClosePlanned's update for any subject item (a close or an order). */
  async function markPlanned(pk: string, version: number): Promise<boolean> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: { pk },
          UpdateExpression: 'SET planned = :true REMOVE #shard, #dueAt',
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#shard': DUE_INDEX.partition, '#dueAt': DUE_INDEX.sort },
          ExpressionAttributeValues: { ':true': true, ':version': version },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  return {
    tableName: TableName,

    async getLead(leadId) {
      const item = await getItem(keys.lead(leadId));
      return item ? toRecord<LeadRecord>(item) : undefined;
    },

    async getLeads(leadIds) {
      const items = await batchGet(leadIds.map((id) => keys.lead(id)));
      return new Map(items.map((item) => [String(item.leadId), toRecord<LeadRecord>(item)]));
    },

    async putLead(lead, expectedRevision, expiresAt) {
      const item = { ...withType(ITEM_TYPES.lead, keys.lead(lead.leadId), lead), [TTL_ATTRIBUTE]: expiresAt };
      if (expectedRevision === undefined) await conditionalPut(item, 'attribute_not_exists(pk)');
      else await conditionalPut(item, 'revision = :expected', { ':expected': expectedRevision });
    },

    async getClose(subjectKey) {
      const item = await getItem(keys.close(subjectKey));
      return item ? toRecord<CloseRecord>(item) : undefined;
    },

    async getCloses(closeKeys) {
      const items = await batchGet(closeKeys.map((key) => keys.close(key)));
      return new Map(
        items.map((item) => {
          const close = toRecord<CloseRecord>(item);
          return [close.subjectKey, close];
        }),
      );
    },

    async putClose(close, expectedVersion) {
      const item: Item = withType(ITEM_TYPES.close, keys.close(close.subjectKey), close);
      if (!close.planned) {
        item[DUE_INDEX.partition] = DUE_SHARD;
        item[DUE_INDEX.sort] = close.updatedAt;
      }
      if (expectedVersion === undefined) await conditionalPut(item, 'attribute_not_exists(pk)');
      else await conditionalPut(item, 'version = :expected', { ':expected': expectedVersion });
    },

    async markClosePlanned(subjectKey, version) {
      return markPlanned(keys.close(subjectKey), version);
    },

    async putOrder(order) {
      const item: Item = withType(ITEM_TYPES.order, keys.order(order.orderId), order);
      if (!order.planned) {
        item[DUE_INDEX.partition] = DUE_SHARD;
        item[DUE_INDEX.sort] = order.updatedAt;
      }
      try {
        await conditionalPut(item, 'attribute_not_exists(pk)');
        return true;
      } catch (error) {
        if (error instanceof ConcurrentUpdateError) return false;
        throw error;
      }
    },

    async getOrder(orderId) {
      const item = await getItem(keys.order(orderId));
      return item ? toRecord<OrderRecord>(item) : undefined;
    },

    async getSubjects(subjectKeys) {
      const pks = subjectKeys.map((key) => subjectPk(key));
      const items = await batchGet(pks);
      const subjects = new Map<string, ConversionSubject>();
      for (const item of items) {
        const subject =
          item.type === ITEM_TYPES.order ? toRecord<OrderRecord>(item) : toRecord<CloseRecord>(item);
        subjects.set(subject.subjectKey, subject);
      }
      return subjects;
    },

    async markSubjectPlanned(subjectKey, version) {
      return markPlanned(subjectPk(subjectKey), version);
    },

    async putDealPointer(crm, dealId, subjectKey) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: withType(ITEM_TYPES.deal, keys.deal(crm, dealId), { crm, dealId, subjectKey }),
        }),
      );
    },

    async getDealPointers(crm, dealIds) {
      const items = await batchGet(dealIds.map((id) => keys.deal(crm, id)));
      return new Map(
        items.map((item) => {
          const pointer = toRecord<{ dealId: string; subjectKey: string }>(item);
          return [pointer.dealId, pointer.subjectKey];
        }),
      );
    },

    async getDeliveries(refs) {
      const items = await batchGet(refs.map(deliveryRefKey));
      return new Map(items.map((item) => [String(item.pk), toRecord<DeliveryRecord>(item)]));
    },

    async putDelivery(delivery, expected) {
      const item: Item = withType(
        ITEM_TYPES.delivery,
        keys.delivery(delivery.subjectKey, delivery.destination),
        delivery,
      );
      if (isAwaitingAttempt(delivery.status) && delivery.nextAttemptAt !== undefined) {
        item[DUE_INDEX.partition] = DUE_SHARD;
        item[DUE_INDEX.sort] = delivery.nextAttemptAt;
      } else if (failureReason(delivery.status) !== undefined) {
        item[DUE_INDEX.partition] = FAILED_SHARD;
        item[DUE_INDEX.sort] = delivery.updatedAt;
      }
      if (expected === undefined) await conditionalPut(item, 'attribute_not_exists(pk)');
      else {
        await conditionalPut(
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
      const page = await queryShard(DUE_SHARD, { now, limit, cursor });
      const items: DueItem[] = [];
      for (const item of page.items) {
        if (item.type === ITEM_TYPES.close)
          items.push({ type: 'subject', subject: toRecord<CloseRecord>(item) });
        else if (item.type === ITEM_TYPES.order) {
          items.push({ type: 'subject', subject: toRecord<OrderRecord>(item) });
        } else if (item.type === ITEM_TYPES.delivery) {
          items.push({ type: 'delivery', delivery: toRecord<DeliveryRecord>(item) });
        }
      }
      return { items, cursor: page.cursor };
    },

    async queryFailed({ limit, cursor, newestFirst }) {
      const page = await queryShard(FAILED_SHARD, { limit, cursor, newestFirst });
      const deliveries = page.items
        .filter((item) => item.type === ITEM_TYPES.delivery)
        .map((item) => toRecord<DeliveryRecord>(item));
      return { deliveries, cursor: page.cursor };
    },

    async putReceipt(source, receiptId, expiresAt) {
      try {
        await conditionalPut(
          {
            ...withType(ITEM_TYPES.receipt, keys.receipt(source, receiptId), { source, receiptId }),
            [TTL_ATTRIBUTE]: expiresAt,
          },
          'attribute_not_exists(pk)',
        );
        return true;
      } catch (error) {
        if (error instanceof ConcurrentUpdateError) return false;
        throw error;
      }
    },

    async getReceipts(source, receiptIds) {
      const items = await batchGet(receiptIds.map((id) => keys.receipt(source, id)));
      return new Set(items.map((item) => String(item.receiptId)));
    },

    async getDeferredDeals(crm, dealIds) {
      const items = await batchGet(dealIds.map((id) => keys.deferredDeal(crm, id)));
      return new Map(items.map((item) => [String(item.dealId), toRecord<DeferredDealRecord>(item)]));
    },

    async putDeferredDeal(deal, expectedRevision) {
      const item: Item = {
        ...withType(ITEM_TYPES.deferredDeal, keys.deferredDeal(deal.crm, deal.dealId), deal),
        [DUE_INDEX.partition]: DEFERRED_SHARD,
        [DUE_INDEX.sort]: deal.retryAt,
      };
      if (expectedRevision === undefined) await conditionalPut(item, 'attribute_not_exists(pk)');
      else await conditionalPut(item, 'revision = :expected', { ':expected': expectedRevision });
    },

    async queryDeferredDeals({ now, limit, cursor }) {
      const page = await queryShard(DEFERRED_SHARD, { now, limit, cursor });
      const deals = page.items
        .filter((item) => item.type === ITEM_TYPES.deferredDeal)
        .map((item) => toRecord<DeferredDealRecord>(item));
      return { deals, cursor: page.cursor };
    },

    async markDeferredDealResolved(deal, now) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
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
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async getCheckpoint(source) {
      const item = await getItem(keys.checkpoint(source));
      return item ? toRecord<Checkpoint>(item) : undefined;
    },

    async putCheckpoint(checkpoint, expectedUntil) {
      const item = withType(ITEM_TYPES.checkpoint, keys.checkpoint(checkpoint.source), checkpoint);
      if (expectedUntil === undefined) await conditionalPut(item, 'attribute_not_exists(pk)');
      else
        await conditionalPut(
          item,
          '#until = :expected',
          { ':expected': expectedUntil },
          { '#until': 'until' },
        );
    },

    async scanDeliveries(cursor) {
      const result = await doc.send(
        new ScanCommand({
          TableName,
          FilterExpression: '#type = :delivery',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':delivery': ITEM_TYPES.delivery },
          ExclusiveStartKey: cursor,
        }),
      );
      return {
        items: (result.Items ?? []).map((item) => toRecord<DeliveryRecord>(item)),
        cursor: result.LastEvaluatedKey,
      };
    },
  };
}
