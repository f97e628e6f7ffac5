import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createBackfillHandler } from '../../functions/backfill';
import { createDynamoClient, type Runtime } from '../../functions/runtime';
import { loadConfig } from '../../lib/config';
import { createStore } from '../../lib/store/store';
import { startDynalite } from '../dynalite';
import { applyLocalDefaults, useReportTable } from '../env';
import { createLambdaContext } from '../lambda-context';
import { type LoopbackServer, listenOnLoopback } from '../loopback-server';
import { createDashboard, type DashboardOptions } from './app';
import { seedDemoData } from './demo-data';
import { indexSettledDeliveries } from './index-deliveries';
import { replayNotice } from './replay-notice';

/**
 * `npm run dashboard [-- --demo]`: the dashboard on 127.0.0.1:DASHBOARD_PORT (default 3100), over the table
 * `npm run status` reads — DYNAMODB_ENDPOINT (e.g. the one `npm start` prints), else the AWS table
 * TABLE_NAME with the shell's credentials, else the local default endpoint. `--demo`: over a table of its
 * own that the demo's story fills (demo-data.ts), on an embedded DynamoDB. `--index-deliveries`: see below.
 */
export async function startDashboard(options: DashboardOptions & { port: number }): Promise<LoopbackServer> {
  // Loopback only: the dashboard has no login, and a replay sends to the ad platforms.
  return listenOnLoopback(createServer(createDashboard(options)), options.port);
}

/**
 * The replay button: the backfill's `{"replay": …}` input, through its handler, in this process. A
 * destination this process's configuration leaves disabled (its credentials absent) is said so, not skipped
 * in silence.
 */
export function replayThrough(
  runtime: Runtime | (() => Promise<Runtime>),
): NonNullable<DashboardOptions['replay']> {
  const resolve = typeof runtime === 'function' ? runtime : async () => runtime;
  const backfill = createBackfillHandler(resolve);
  return async (replay) => {
    const enabled = new Set((await resolve()).destinations.map((destination) => destination.name));
    const disabled = (replay.destinations ?? []).filter((name) => !enabled.has(name));
    if (disabled.length > 0 || enabled.size === 0) {
      return `replay: ${disabled.join(', ') || 'every destination'} disabled in this dashboard's configuration (credentials absent): see docs/dashboard.md`;
    }
    return replayNotice(await backfill({ replay }, createLambdaContext('backfill')));
  };
}

async function main(argv: string[]): Promise<void> {
  applyLocalDefaults();
  const env = process.env;
  const config = loadConfig(env);
  if (argv.includes('--demo')) {
    const dynamo = await startDynalite({ port: 0 });
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    });
    const tableName = 'crm-conversions-demo';
    const demo = await seedDemoData({ client, endpoint: dynamo.endpoint, tableName });
    const dashboard = await startDashboard({
      store: demo.runtime.store,
      now: () => demo.clock.now,
      source: `demo data: table ${tableName} at ${dynamo.endpoint}`,
      replay: replayThrough(demo.runtime),
      stageNames: demo.runtime.config.conversionStages.map((stage) => stage.name),
      port: config.dashboardPort,
    });
    console.log(
      `dashboard on ${dashboard.url} (the demo's story; its clock stands at ${new Date(demo.clock.now).toISOString()})`,
    );
    return;
  }
  useReportTable(env);
  const local = loadConfig(env);
  const client = createDynamoClient(local);
  const source = `table ${local.tableName} at ${local.dynamodbEndpoint ?? `AWS ${local.awsRegion}`}`;
  if (argv.includes('--index-deliveries')) {
    const { indexed, read } = await indexSettledDeliveries(
      createStore({ client, tableName: local.tableName }),
    );
    console.log(
      `${source}: ${indexed} of ${read} deliveries put into their status partition (the rest were already)`,
    );
    client.destroy();
    return;
  }
  const { getDefaultRuntime } = await import('../../functions/runtime');
  const dashboard = await startDashboard({
    store: createStore({ client, tableName: local.tableName }),
    now: Date.now,
    source,
    replay: replayThrough(getDefaultRuntime),
    stageNames: local.conversionStages.map((stage) => stage.name),
    port: local.dashboardPort,
  });
  console.log(`dashboard on ${dashboard.url} — ${source}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    const message = (error as Error).message;
    console.error(
      message.includes('EADDRINUSE')
        ? `dashboard: port ${process.env.DASHBOARD_PORT ?? 3100} is taken — set DASHBOARD_PORT`
        : `dashboard: ${message}`,
    );
    process.exit(1);
  });
}
