import { createDynamoClient } from '../functions/runtime';
import { loadConfig } from '../lib/config';
import { CRM_SOURCES } from '../lib/crm/registry';
import type { DealPointer, DeliveryRecord } from '../lib/domain';
import { createStore } from '../lib/store/store';
import { applyLocalDefaults } from './env';
import { dealLifecycleStatus, formatDealLifecycleStatus } from './lifecycle-status';
import {
  buildStatusReport,
  type CheckpointStatus,
  deferredDealsStatus,
  formatBackfillStatus,
  formatStatusReport,
} from './status-report';

/**
 * `npm run status [-- --json]`: deliveries by destination and status, the oldest waiting ones and the
 * last failures, the CRM deals merged, deleted and restored (lifecycle-status.ts), from DYNAMODB_ENDPOINT (e.g. the one `npm start` prints), else from the AWS table
 * TABLE_NAME with the shell's AWS credentials, else from the local default endpoint.
 */
async function main(argv: string[]): Promise<void> {
  applyLocalDefaults();
  const env = process.env;
  if (!env.DYNAMODB_ENDPOINT && !env.AWS_PROFILE && !env.AWS_ACCESS_KEY_ID) {
    env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${env.LOCAL_DYNAMODB_PORT ?? 8000}`;
    env.AWS_ACCESS_KEY_ID = 'local';
    env.AWS_SECRET_ACCESS_KEY = 'local';
  }
  const config = loadConfig(env);
  const client = createDynamoClient(config);
  const store = createStore({ client, tableName: config.tableName });
  const deliveries: DeliveryRecord[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await store.scanDeliveries(cursor);
    deliveries.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const pointers: DealPointer[] = [];
  cursor = undefined;
  do {
    const page = await store.scanDealPointers(cursor);
    pointers.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const report = buildStatusReport(deliveries);
  const lifecycle = dealLifecycleStatus(pointers, deliveries);
  const polled = CRM_SOURCES.filter((crm) => crm.poller);
  const checkpoints: CheckpointStatus[] = await Promise.all(
    polled.map(async ({ name: crm }) => {
      const checkpoint = await store.getCheckpoint(crm);
      return checkpoint ? { crm, until: checkpoint.until, updatedAt: checkpoint.updatedAt } : { crm };
    }),
  );
  // Every deferred deal still in the index, whenever it is due (normally none, or a few hundred).
  const pending = (await store.queryDeferredDeals({ now: Number.MAX_SAFE_INTEGER, limit: 1000 })).deals;
  if (argv.includes('--json')) {
    const deferred = deferredDealsStatus(pending);
    console.log(JSON.stringify({ ...report, checkpoints, deferred, lifecycle }, null, 2));
  } else {
    // Per CRM whose webhook defers work to the backfill.
    const deferred = polled
      .filter((crm) => crm.poller?.resumeDeferred)
      .map((crm) => ({
        displayName: crm.displayName,
        ...deferredDealsStatus(pending.filter((deal) => deal.crm === crm.name)),
      }));
    console.log(`table ${config.tableName} at ${config.dynamodbEndpoint ?? `AWS ${config.awsRegion}`}\n`);
    console.log(formatStatusReport(report, Date.now()));
    console.log(`\n${formatBackfillStatus(report, checkpoints, Date.now(), deferred)}`);
    console.log(`\n${formatDealLifecycleStatus(lifecycle)}`);
  }
  client.destroy();
}

main(process.argv.slice(2)).catch((error) => {
  const message = (error as Error).message;
  console.error(
    message.includes('ECONNREFUSED')
      ? `status: no DynamoDB at ${process.env.DYNAMODB_ENDPOINT} — run \`npm start\` (or the demo) first, or set DYNAMODB_ENDPOINT / TABLE_NAME`
      : `status: ${message}`,
  );
  process.exit(1);
});
