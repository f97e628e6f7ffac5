import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one definition of the connector's table. `local/` creates the embedded table from it and
 * `serverless.yml` declares the same keys, index and TTL (a test compares the two).
 */
export const TABLE_KEY = { partition: 'pk' } as const;

/**
 * Sparse index of the work that is due: only items carrying `dueShard` appear in it (deliveries that are
 * pending, retrying or waiting for their lead; closes whose deliveries are not yet planned). Reading it
 * by `dueAt <= now` gives the backfill exactly what it must do, without a scan. Failed deliveries sit in
 * a partition of their own (keys.ts FAILED_SHARD) that only a manual `retryNow` reads, and HubSpot deals a
 * webhook deferred during an API outage in a third (DEFERRED_SHARD), which the backfill reads first.
 */
export const DUE_INDEX = { name: 'due', partition: 'dueShard', sort: 'dueAt' } as const;

/** Epoch seconds; DynamoDB deletes the item some time after. Set on webhook receipts and leads. */
export const TTL_ATTRIBUTE = 'expiresAt';

export function describeTable(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_KEY.partition, AttributeType: 'S' },
      { AttributeName: DUE_INDEX.partition, AttributeType: 'S' },
      { AttributeName: DUE_INDEX.sort, AttributeType: 'N' },
    ],
    KeySchema: [{ AttributeName: TABLE_KEY.partition, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: DUE_INDEX.name,
        KeySchema: [
          { AttributeName: DUE_INDEX.partition, KeyType: 'HASH' },
          { AttributeName: DUE_INDEX.sort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
