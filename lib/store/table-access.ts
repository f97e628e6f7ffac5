import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../concurrency';
import { ConcurrentUpdateError } from '../errors';
import type { ItemType } from './keys';
import { DUE_INDEX, TABLE_KEY, TTL_ATTRIBUTE } from './table';

/**
 * The DynamoDB mechanics every aggregate of the store shares, as Powertools' DynamoDBPersistenceLayer
 * keeps them apart from the verbs: the document client, the item codec, batched reads, conditional writes
 * and the due index's shard query. The aggregates (leads, subjects, deliveries, intake) say which keys and
 * conditions; this module only says how they reach the table.
 */
export type TableAccess = {
  getItem(pk: string): Promise<Item | undefined>;
  /** BatchGetItem in chunks of 100 side by side, re-requesting unprocessed keys (throttling) with a short back-off. */
  batchGet(pks: readonly string[]): Promise<Item[]>;
  /** An unconditional write: for items whose last writer may win (a deal pointer). */
  put(item: Item): Promise<void>;
  /** A write under `condition`; a failed condition is a ConcurrentUpdateError (read and decide again). */
  conditionalPut(item: Item, condition: string, values?: Item, names?: Record<string, string>): Promise<void>;
  /** Writes an item that must not exist yet; false when it already did (a repeat or a concurrent twin). */
  putIfAbsent(item: Item): Promise<boolean>;
  /** An update under its ConditionExpression; false when the item moved on meanwhile. */
  conditionalUpdate(update: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean>;
  /**
   * One page of a partition of the due index, oldest first (or newest first), up to `now` when given, or
   * within `from`..`to` (inclusive, either optional).
   */
  queryShard(
    shard: string,
    options: {
      now?: number;
      from?: number | undefined;
      to?: number | undefined;
      limit: number;
      cursor?: PageCursor | undefined;
      newestFirst?: boolean | undefined;
    },
  ): Promise<{ items: Item[]; cursor?: PageCursor }>;
  /** One page of a full-table Scan for one item type (never on a hot path). */
  scanType(type: ItemType, cursor: PageCursor | undefined): Promise<{ items: Item[]; cursor?: PageCursor }>;
  /**
   * One page of a full-table Scan for several item types, each item read with only `attributes` (the
   * table's key and `type` always): for reports that must not carry payloads or identifiers around.
   */
  scanTypes(
    types: readonly ItemType[],
    attributes: readonly string[],
    cursor: PageCursor | undefined,
  ): Promise<{ items: Item[]; cursor?: PageCursor }>;
  /** One page of a full-table Scan under a filter (the erase function's search by email hash only). */
  scanFiltered(
    filter: { expression: string; names: Record<string, string>; values: Item },
    cursor: PageCursor | undefined,
  ): Promise<{ items: Item[]; cursor?: PageCursor }>;
  /** Deletes one item, whatever it holds (the erase function only). */
  deleteItem(pk: string): Promise<void>;
};

export type Item = Record<string, unknown>;
/** Where the next page of a Query or Scan starts: DynamoDB's LastEvaluatedKey, opaque to callers. */
export type PageCursor = Record<string, unknown>;

/**
 * Record fields stored under another attribute name: the first version's names, kept so that a table it
 * wrote reads the same (a close's or order's key and a delivery's version were `closeKey`/`closeVersion`
 * before the domain called both kinds of subject by one word).
 */
export const STORED_ATTRIBUTE_NAMES = { subjectKey: 'closeKey', subjectVersion: 'closeVersion' } as const;

const BATCH_GET_LIMIT = 100;
/** BatchGetItem requests in flight for one read (a backfill round reads 10,000 keys: 100 requests). */
const BATCH_GET_CONCURRENCY = 8;
const SYSTEM_ATTRIBUTES = [TABLE_KEY.partition, 'type', DUE_INDEX.partition, DUE_INDEX.sort, TTL_ATTRIBUTE];

const RECORD_FIELD_OF_ATTRIBUTE = Object.fromEntries(
  Object.entries(STORED_ATTRIBUTE_NAMES).map(([field, attribute]) => [attribute, field]),
) as Record<string, string>;

/** A stored item as its record: attributes renamed back to record fields, the table's own attributes dropped. */
export function toRecord<T>(item: Item): T {
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

/** A record as the item stored under `pk`, tagged with its type. */
export function withType(type: ItemType, pk: string, record: object): Item {
  return { pk, type, ...toAttributes(record) };
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

export function createTableAccess(options: { client: DynamoDBClient; tableName: string }): TableAccess {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const TableName = options.tableName;

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

  return {
    async getItem(pk) {
      const result = await doc.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }));
      return result.Item;
    },

    async batchGet(pks) {
      const unique = [...new Set(pks)];
      const chunks: string[][] = [];
      for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
        chunks.push(unique.slice(start, start + BATCH_GET_LIMIT));
      }
      // The chunks side by side: a read of 1,000 keys waits one round trip, not ten.
      const pages = await mapWithConcurrency(chunks, BATCH_GET_CONCURRENCY, async (chunk) => {
        const found: Item[] = [];
        let requestKeys: Record<string, unknown>[] | undefined = chunk.map((pk) => ({ pk }));
        for (let round = 0; requestKeys && requestKeys.length > 0; round++) {
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** round, 1000)));
          const result = await doc.send(
            new BatchGetCommand({
              RequestItems: { [TableName]: { Keys: requestKeys, ConsistentRead: true } },
            }),
          );
          found.push(...(result.Responses?.[TableName] ?? []));
          requestKeys = result.UnprocessedKeys?.[TableName]?.Keys as Record<string, unknown>[] | undefined;
          if (round > 8 && requestKeys && requestKeys.length > 0) {
            throw new Error(`BatchGetItem left ${requestKeys.length} keys unprocessed after ${round} rounds`);
          }
        }
        return found;
      });
      return pages.flat();
    },

    async put(item) {
      await doc.send(new PutCommand({ TableName, Item: item }));
    },

    conditionalPut,

    async putIfAbsent(item) {
      try {
        await conditionalPut(item, 'attribute_not_exists(pk)');
        return true;
      } catch (error) {
        if (error instanceof ConcurrentUpdateError) return false;
        throw error;
      }
    },

    async conditionalUpdate(update) {
      try {
        await doc.send(new UpdateCommand({ TableName, ...update }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async queryShard(shard, { now, from, to, limit, cursor, newestFirst }) {
      const upper = now ?? to;
      const range =
        from !== undefined && upper !== undefined
          ? 'BETWEEN :from AND :to'
          : from !== undefined
            ? '>= :from'
            : upper !== undefined
              ? '<= :to'
              : undefined;
      const result = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: DUE_INDEX.name,
          KeyConditionExpression: range ? `#shard = :shard AND #dueAt ${range}` : '#shard = :shard',
          ExpressionAttributeNames: {
            '#shard': DUE_INDEX.partition,
            ...(range ? { '#dueAt': DUE_INDEX.sort } : {}),
          },
          ExpressionAttributeValues: {
            ':shard': shard,
            ...(from !== undefined ? { ':from': from } : {}),
            ...(upper !== undefined ? { ':to': upper } : {}),
          },
          ScanIndexForward: !newestFirst,
          Limit: limit,
          ExclusiveStartKey: cursor,
        }),
      );
      return { items: result.Items ?? [], cursor: result.LastEvaluatedKey };
    },

    async scanType(type, cursor) {
      const result = await doc.send(
        new ScanCommand({
          TableName,
          FilterExpression: '#type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': type },
          ExclusiveStartKey: cursor,
        }),
      );
      return { items: result.Items ?? [], cursor: result.LastEvaluatedKey };
    },

    async scanTypes(types, attributes, cursor) {
      const wanted = [...new Set([TABLE_KEY.partition, ...attributes])].filter((name) => name !== 'type');
      const result = await doc.send(
        new ScanCommand({
          TableName,
          FilterExpression: `#type IN (${types.map((_, index) => `:t${index}`).join(', ')})`,
          ProjectionExpression: ['#type', ...wanted.map((_, index) => `#a${index}`)].join(', '),
          ExpressionAttributeNames: {
            '#type': 'type',
            ...Object.fromEntries(wanted.map((name, index) => [`#a${index}`, name])),
          },
          ExpressionAttributeValues: Object.fromEntries(types.map((type, index) => [`:t${index}`, type])),
          ExclusiveStartKey: cursor,
        }),
      );
      return { items: result.Items ?? [], cursor: result.LastEvaluatedKey };
    },

    async scanFiltered(filter, cursor) {
      const result = await doc.send(
        new ScanCommand({
          TableName,
          FilterExpression: filter.expression,
          ExpressionAttributeNames: filter.names,
          ExpressionAttributeValues: filter.values,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      return {
        items: result.Items ?? [],
        ...(result.LastEvaluatedKey ? { cursor: result.LastEvaluatedKey } : {}),
      };
    },

    async deleteItem(pk) {
      await doc.send(new DeleteCommand({ TableName, Key: { pk } }));
    },
  };
}
