import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { FunctionName } from '../../lib/http/routes';
import type { AnyHandler } from '../../local/functions';
import { createLocalServer, listen } from '../../local/server';
import type { TestTable } from './dynamo';

/** DESIGN.md's routes on a loopback port over the given handlers, exactly as `npm start` serves them. */
export async function startLocalApi(handlers: Partial<Record<FunctionName, AnyHandler>>) {
  const server = createLocalServer(async (name) => handlers[name]);
  const port = await listen(server, 0);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every item of the test's table, system attributes included: for "nothing was written" assertions. */
export async function scanTable(table: TestTable): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(table.client);
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: cursor, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/** A clock that runs with real time from a chosen start, and can be moved forward. */
export function createClock(start: number) {
  const realStart = Date.now();
  let offset = 0;
  return {
    now: () => start + offset + (Date.now() - realStart),
    advance(ms: number) {
      offset += ms;
    },
  };
}
