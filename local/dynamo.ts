import { createDynamoClient } from '../functions/runtime';
import { loadConfig } from '../lib/config';
import { ensureTable, startDynalite } from './dynalite';

export type LocalDynamo = { endpoint: string; embedded: boolean; stop: () => Promise<void> };

/**
 * DESIGN.md local mode: the DynamoDB at DYNAMODB_ENDPOINT when set (table created if missing),
 * otherwise an embedded dynalite on LOCAL_DYNAMODB_PORT (default 8000, falling back to any free port)
 * so that a second terminal can share it by setting DYNAMODB_ENDPOINT.
 */
export async function useLocalDynamo(env: NodeJS.ProcessEnv = process.env): Promise<LocalDynamo> {
  let result: LocalDynamo;
  if (env.DYNAMODB_ENDPOINT) {
    result = { endpoint: env.DYNAMODB_ENDPOINT, embedded: false, stop: async () => undefined };
  } else {
    const wanted = Number(env.LOCAL_DYNAMODB_PORT ?? 8000);
    const embedded = await startDynalite({ port: wanted }).catch(() => startDynalite({ port: 0 }));
    result = { ...embedded, embedded: true };
    env.DYNAMODB_ENDPOINT = embedded.endpoint;
  }
  // Local DynamoDB accepts any credentials; the SDK still wants some to sign with.
  env.AWS_REGION ??= 'us-east-1';
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const config = loadConfig(env);
  const client = createDynamoClient(config);
  await ensureTable(client, config.tableName);
  client.destroy();
  return result;
}
