import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createStore, type Store } from '../../lib/store/store';
import { ensureTable } from '../../local/dynalite';

export type TestTable = { endpoint: string; client: DynamoDBClient; tableName: string; store: Store };

/** A fresh table in the run's dynalite, so test files never see each other's items. */
export async function createTestTable(): Promise<TestTable> {
  const endpoint = inject('dynamodbEndpoint');
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { endpoint, client, tableName, store: createStore({ client, tableName }) };
}
