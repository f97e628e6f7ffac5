import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/**
 * Counts the DynamoDB commands a client sends, by name, through a middleware on the client itself (the
 * store's document client sends through it too): "nothing was written" becomes a cheap, exact check.
 */
export function countCommands(client: DynamoDBClient) {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'testCommandCounter' },
  );
  return {
    counts,
    writes: () => [...counts].filter(([name]) => WRITES.has(name)).reduce((sum, [, count]) => sum + count, 0),
    total: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    reset: () => counts.clear(),
  };
}
