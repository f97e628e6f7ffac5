import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { describeTable } from '../lib/store/table';

export type EmbeddedDynamo = { endpoint: string; stop: () => Promise<void> };

/** Starts dynalite (a real DynamoDB API server, in memory) on a free loopback port. */
export async function startDynalite(options: { port?: number; path?: string } = {}): Promise<EmbeddedDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function isActive(client: DynamoDBClient, tableName: string): Promise<boolean> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return (
    Table?.TableStatus === 'ACTIVE' &&
    (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}

/**
 * Creates the connector's table when it does not exist yet and returns once it and its index are ACTIVE
 * (dynalite reports CREATING for a moment, and requests in that moment fail); safe to call on every start.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    if (await isActive(client, tableName)) return;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    try {
      await client.send(new CreateTableCommand(describeTable(tableName)));
    } catch (createError) {
      // Two processes starting together may both try; the loser finds the table there.
      if ((createError as { name?: string }).name !== 'ResourceInUseException') throw createError;
    }
  }
  for (let round = 0; round < 100; round++) {
    if (await isActive(client, tableName)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} never became ACTIVE`);
}
