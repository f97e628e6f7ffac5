import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRuntime, type Runtime } from '../functions/runtime';
import { ensureTable } from '../local/dynalite';
import { type FakeHubspot, startFakeHubspot } from '../test/support/fakes/hubspot';
import { type Platforms, startPlatforms } from '../test/support/platforms';
import { type CapacityMeter, meterCapacity } from './capacity-meter';
import { startDynaliteProcess } from './dynalite-process';
import { countDynamoCalls } from './dynamo-counter';
import type { LatencyModel, Service } from './latency-model';
import { type CallLog, createCallLog, type LatencyProxy, startLatencyProxy } from './latency-proxy';

/**
 * One bench environment: dynalite in its own process holding each request for DynamoDB's round trip, the
 * platform fakes and the HubSpot fake each behind a latency proxy of its service, and two runtimes on the
 * same table — `runtime` (everything through the proxies: what is
 * measured) and `direct` (straight to dynalite and the fakes, uncounted: to lay out the data a
 * measurement starts from).
 */
export type BenchEnvironment = {
  log: CallLog;
  /** Request units of the measured runtime's DynamoDB calls. */
  capacity: CapacityMeter;
  platforms: Platforms;
  hubspot: FakeHubspot;
  runtime: Runtime;
  direct: Runtime;
  /** Contract violations any fake saw. */
  violations(): string[];
  close(): Promise<void>;
};

export const BENCH_TABLE = 'bench';
export const BENCH_COLLECT_KEY = 'bench-collect-key-0123456789';
export const BENCH_HUBSPOT_SECRET = 'bench-hubspot-secret';
export const BENCH_PUBLIC_BASE_URL = 'https://hooks.example.com';
export const BENCH_SALESFORCE_ORG = '00D5g000004ABCDEA4';
export const BENCH_SALESFORCE_TOKEN = 'bench-salesforce-token-0123456789';

function dynamoClient(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    // As functions/runtime.ts builds it in Lambda.
    maxAttempts: options.maxAttempts ?? 3,
  });
}

export async function startBenchEnvironment(options: {
  latency: LatencyModel;
  now: () => number;
  env?: Record<string, string>;
  /** GA4 and TikTok enabled too (four destinations instead of Google and Meta). */
  extended?: boolean;
  /** Without the CRMs' credentials (the backfill then polls no CRM): default true. */
  crm?: boolean;
}): Promise<BenchEnvironment> {
  const log = createCallLog();
  const dynamo = await startDynaliteProcess({ latencyMs: options.latency.dynamodb });
  const platforms = await startPlatforms({
    now: options.now,
    ...(options.extended ? { extended: true } : {}),
  });
  const hubspot = await startFakeHubspot();
  const proxies: LatencyProxy[] = [];
  const proxy = async (service: Service, target: string) => {
    const origin = new URL(target);
    const started = await startLatencyProxy({
      service,
      target: origin.origin,
      latencyMs: options.latency[service],
      log,
    });
    proxies.push(started);
    // Keep the target's path (the OAuth token URL has one).
    return `${started.url}${origin.pathname === '/' ? '' : origin.pathname}`;
  };
  const proxied = {
    hubspot: await proxy('hubspot', hubspot.baseUrl),
    oauth: await proxy('oauth', platforms.env.GOOGLE_OAUTH_TOKEN_URL as string),
    datamanager: await proxy('datamanager', platforms.env.GOOGLE_DATAMANAGER_BASE_URL as string),
    googleads: await proxy('googleads', platforms.env.GOOGLE_ADS_API_BASE_URL as string),
    meta: await proxy('meta', platforms.env.META_GRAPH_BASE_URL as string),
    ga4: await proxy('ga4', platforms.ga4.baseUrl),
    tiktok: await proxy('tiktok', platforms.tiktok.baseUrl),
  };
  const directClient = dynamoClient(dynamo.endpoint);
  await ensureTable(directClient, BENCH_TABLE);
  // DynamoDB's round trip is held in dynalite's own process; the calls are counted on the client.
  const client = dynamoClient(dynamo.endpoint);
  countDynamoCalls(client, log);
  const capacity = meterCapacity(client);
  const baseEnv: Record<string, string> = {
    ...platforms.env,
    TABLE_NAME: BENCH_TABLE,
    COLLECT_API_KEYS: BENCH_COLLECT_KEY,
    ...(options.crm === false
      ? {}
      : {
          HUBSPOT_CLIENT_SECRET: BENCH_HUBSPOT_SECRET,
          HUBSPOT_ACCESS_TOKEN: hubspot.token,
          HUBSPOT_API_BASE_URL: hubspot.baseUrl,
          SALESFORCE_ORG_ID: BENCH_SALESFORCE_ORG,
          SALESFORCE_WEBHOOK_TOKEN: BENCH_SALESFORCE_TOKEN,
        }),
    PUBLIC_BASE_URL: BENCH_PUBLIC_BASE_URL,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(options.env ?? {}),
  };
  const viaProxies: Record<string, string> = {
    ...baseEnv,
    ...(baseEnv.HUBSPOT_API_BASE_URL ? { HUBSPOT_API_BASE_URL: proxied.hubspot } : {}),
    GOOGLE_OAUTH_TOKEN_URL: proxied.oauth,
    GOOGLE_DATAMANAGER_BASE_URL: proxied.datamanager,
    GOOGLE_ADS_API_BASE_URL: proxied.googleads,
    META_GRAPH_BASE_URL: proxied.meta,
    ...(baseEnv.GA4_BASE_URL ? { GA4_BASE_URL: proxied.ga4 } : {}),
    ...(baseEnv.TIKTOK_BASE_URL ? { TIKTOK_BASE_URL: proxied.tiktok } : {}),
  };
  const runtime = createRuntime(viaProxies, { dynamo: client, now: options.now });
  const direct = createRuntime(baseEnv, { dynamo: directClient, now: options.now });
  return {
    log,
    capacity,
    platforms,
    hubspot,
    runtime,
    direct,
    violations: () => [...platforms.violations(), ...hubspot.violations],
    async close() {
      await Promise.all([platforms.close(), hubspot.close(), ...proxies.map((started) => started.close())]);
      client.destroy();
      directClient.destroy();
      await dynamo.stop();
    },
  };
}
