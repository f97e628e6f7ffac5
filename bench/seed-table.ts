import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mapWithConcurrency } from '../lib/concurrency';
import { createStore, type Store } from '../lib/store/store';

/**
 * Lays out a large table fast: the store writes as usual (its own keys, index attributes, expiry) through
 * a client that keeps each PutItem's item instead of sending it; the items then go to the table 25 at a
 * time with BatchWriteItem. The bench's own shortcut: nothing of the connector writes this way.
 */
export function createCapturingStore(tableName: string): { store: Store; take(): Record<string, unknown>[] } {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' },
  });
  let items: Record<string, unknown>[] = [];
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      if (context.commandName !== 'PutItemCommand') {
        throw new Error(`the seeding store only writes items, not ${context.commandName}`);
      }
      // At this step the document client has not marshalled yet: marshall as it does (table-access.ts).
      const { Item } = args.input as { Item: Record<string, unknown> };
      items.push(marshall(Item, { removeUndefinedValues: true, convertClassInstanceToMap: false }));
      return { output: { $metadata: {} }, response: {} };
    },
    { step: 'serialize', priority: 'high', name: 'benchSeedCapture' },
  );
  return {
    store: createStore({ client, tableName }),
    take() {
      const taken = items;
      items = [];
      return taken;
    },
  };
}

export async function writeItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < items.length; start += 25) {
    batches.push(
      items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: item as never } }) as WriteRequest),
    );
  }
  await mapWithConcurrency(batches, 16, async (batch) => {
    let pending: WriteRequest[] | undefined = batch;
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round > 10) throw new Error('BatchWriteItem kept leaving items unprocessed');
      const result: BatchWriteItemCommandOutput = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = result.UnprocessedItems?.[tableName];
    }
  });
}
