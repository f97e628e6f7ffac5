import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Runtime } from '../../functions/runtime';
import type { DeliveryRecord } from '../../lib/domain';
import type { HttpEvent } from '../../lib/http/request';
import { dispatchSubjects } from '../../lib/pipeline/dispatch';
import { type ProcessDueOptions, processDueWork } from '../../lib/pipeline/process-due';
import { DUE_INDEX } from '../../lib/store/table';
import { createTestTable, type TestTable } from './dynamo';
import { TEST_COLLECT_KEY } from './runtime';

/** A logger that keeps every line (message and fields) so a test can scan them; prints nothing. */
export function createRecordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (...input: unknown[]) => {
      lines.push(`${level} ${JSON.stringify(input)}`);
    };
  const logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    critical: record('critical'),
    addContext: () => undefined,
    appendKeys: () => undefined,
    removeKeys: () => undefined,
    resetKeys: () => undefined,
  } as unknown as Logger;
  return { logger, lines };
}

/** The inline dispatch as a webhook handler runs it: the runtime as it is, plus a deadline. */
export function dispatchInline(runtime: Runtime, closeKeys: string[], budgetMs = 5000) {
  return dispatchSubjects(closeKeys, { ...runtime, deadline: runtime.now() + budgetMs, random: () => 0.5 });
}

/** The backfill's worker over the runtime (issue 5 wraps it in the backfill handler). */
export function runBackfill(runtime: Runtime, options: Partial<ProcessDueOptions> = {}) {
  return processDueWork({ ...runtime, deadline: runtime.now() + 60_000, random: () => 0.5, ...options });
}

export async function deliveriesOf(
  runtime: Runtime,
  subjectKey: string,
): Promise<Record<string, DeliveryRecord>> {
  const found = await runtime.store.getDeliveries(
    runtime.destinations.map((destination) => ({ subjectKey, destination: destination.name })),
  );
  return Object.fromEntries([...found.values()].map((delivery) => [delivery.destination, delivery]));
}

function documentClient(table: TestTable) {
  return DynamoDBDocumentClient.from(table.client);
}

/** Every item of the test's table (one implementation: ./scan). */
export { scanAll as scanTable } from './scan';

/** Everything in the due index, whatever its time. */
export async function dueItems(table: TestTable): Promise<Record<string, unknown>[]> {
  const page = await documentClient(table).send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: DUE_INDEX.name,
      KeyConditionExpression: '#shard = :shard',
      ExpressionAttributeNames: { '#shard': DUE_INDEX.partition },
      ExpressionAttributeValues: { ':shard': 'DUE' },
    }),
  );
  return page.Items ?? [];
}

/** The API Gateway (HTTP API v2) event of `POST /v1/events` with a JSON body. */
export function collectEvent(body: unknown): HttpEvent {
  return {
    version: '2.0',
    routeKey: 'POST /v1/events',
    rawPath: '/v1/events',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: '/v1/events',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'test-request',
      routeKey: 'POST /v1/events',
      stage: '$default',
      time: '20/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** A fresh table (ACTIVE before the first request: `ensureTable` waits for it). */
export const createReadyTable = createTestTable;
