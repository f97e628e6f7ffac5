import * as dynamodb from '@aws-sdk/client-dynamodb';
import { createCollectHandler } from '../functions/collect';
import { createHubspotWebhookHandler } from '../functions/hubspot-webhook';
import { createRuntime } from '../functions/runtime';
import type { HttpEvent } from '../lib/http/request';
import { ensureTable, startDynalite } from '../local/dynalite';
import { hubspotSignatureHeaders } from '../local/hubspot-signing';
import { createLambdaContext } from '../local/lambda-context';
import { startFakeHubspot } from '../test/support/fakes/hubspot';
import { startPlatforms } from '../test/support/platforms';
import { createRecorder, percentile, type RecordedCall, waves } from './support';

/**
 * (a) The webhook path, in process: a signed HubSpot closed-won event → enrichment (HubSpot API) → close
 * recorded → joined to its lead → uploaded to Google Data Manager and Meta → deliveries recorded. Against
 * dynalite and the loopback fakes. The floor is the same DynamoDB commands and HTTP requests the path made,
 * replayed bare (SDK `send` and `fetch`, nothing else), with the same concurrency, in the same run.
 */
export type WebhookPathResult = {
  iterations: number;
  path: { p50: number; p99: number };
  floor: { p50: number; p99: number };
  ratio: { p50: number; p99: number };
  callsPerClose: { dynamodb: number; http: number };
  dynamoCommands: Record<string, number>;
};

const SECRET = 'bench-hubspot-secret';
const BASE = 'https://hooks.example.com';
const COLLECT_KEY = 'bench-collect-key-0123456789';

function httpEvent(path: string, body: string, headers: Record<string, string>): HttpEvent {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'hooks.example.com',
      'x-forwarded-proto': 'https',
      'content-type': 'application/json',
      ...headers,
    },
    requestContext: {
      accountId: '0',
      apiId: 'bench',
      domainName: 'hooks.example.com',
      domainPrefix: 'hooks',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: `POST ${path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  };
}

async function replay(client: dynamodb.DynamoDBClient, calls: readonly RecordedCall[]): Promise<number> {
  const start = performance.now();
  for (const wave of waves(calls)) {
    await Promise.all(
      wave.map(async (call) => {
        if (call.kind === 'dynamodb') {
          const Command = (
            dynamodb as unknown as Record<string, new (input: unknown) => dynamodb.GetItemCommand>
          )[call.command];
          if (!Command) throw new Error(`unknown command ${call.command}`);
          // Conditional writes may now fail their condition: the round trip is what is measured.
          await client.send(new Command(call.input)).catch(() => undefined);
        } else {
          const response = await fetch(call.url, call.init);
          await response.arrayBuffer();
        }
      }),
    );
  }
  return performance.now() - start;
}

process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export async function measureWebhookPath(
  options: { iterations?: number; warmup?: number } = {},
): Promise<WebhookPathResult> {
  const iterations = options.iterations ?? 200;
  const warmup = options.warmup ?? 20;
  const total = iterations + warmup;
  const dynamo = await startDynalite();
  const now = () => Date.now();
  const platforms = await startPlatforms({ now });
  const hubspot = await startFakeHubspot();
  const client = new dynamodb.DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  await ensureTable(client, 'bench');
  const recorder = createRecorder(client);
  // The floor sends through its own client: nothing it does is recorded as the path's.
  const bareClient = new dynamodb.DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const runtime = createRuntime(
    {
      ...platforms.env,
      TABLE_NAME: 'bench',
      COLLECT_API_KEYS: COLLECT_KEY,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      PUBLIC_BASE_URL: BASE,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    { dynamo: client, fetch: recorder.fetch, now },
  );
  const collect = createCollectHandler(runtime);
  const webhook = createHubspotWebhookHandler(runtime);

  // The leads exist before their deals close: capture them outside the measured path.
  for (let index = 0; index < total; index++) {
    const body = JSON.stringify({
      event: { name: 'lead_created', id: `bench_lead_${index}` },
      context: {
        url: `https://example.com/?gclid=bench-gclid-${index}&fbclid=bench-fbclid-${index}`,
        ip: '203.0.113.7',
        user_agent: 'bench',
      },
      user: {
        email: `buyer${index}@example.com`,
        phone: '+14155550100',
        first_name: 'Ada',
        last_name: 'Lovelace',
        country: 'US',
      },
      consent: { analytics: true, personalization: true, marketing: true },
    });
    await collect(
      httpEvent('/v1/events', body, { 'x-api-key': COLLECT_KEY }),
      createLambdaContext('collect'),
    );
    hubspot.deals.set(String(1000 + index), {
      dealstage: 'closedwon',
      pipeline: 'default',
      amount: String(1000 + index),
      deal_currency_code: 'USD',
      hs_is_closed_won: 'true',
      hs_is_closed: 'true',
      createdate: new Date(now() - 30 * 86_400_000).toISOString(),
      closedate: new Date(now() - 60_000).toISOString(),
      hs_lastmodifieddate: new Date(now() - 60_000).toISOString(),
      lead_id: `bench_lead_${index}`,
    });
    hubspot.associations.set(String(1000 + index), [String(5000 + index)]);
    hubspot.contacts.set(String(5000 + index), { email: `buyer${index}@example.com`, firstname: 'Ada' });
  }
  recorder.take();

  const pathTimes: number[] = [];
  const floorTimes: number[] = [];
  const commandCounts: Record<string, number> = {};
  let dynamoCalls = 0;
  let httpCalls = 0;
  for (let index = 0; index < total; index++) {
    const body = JSON.stringify([
      {
        eventId: 900_000 + index,
        subscriptionId: 1,
        portalId: 62515,
        appId: 1,
        occurredAt: now() - 1000,
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: 1000 + index,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
    ]);
    const headers = hubspotSignatureHeaders({
      clientSecret: SECRET,
      uri: `${BASE}/webhooks/hubspot`,
      body,
      timestamp: now(),
    });
    const event = httpEvent('/webhooks/hubspot', body, headers);
    const started = performance.now();
    const result = (await webhook(event, createLambdaContext('hubspot-webhook'))) as { statusCode: number };
    const elapsed = performance.now() - started;
    if (result.statusCode !== 200) throw new Error(`webhook answered ${result.statusCode}`);
    const calls = recorder.take();
    const floor = await replay(bareClient, calls);
    if (index < warmup) continue;
    pathTimes.push(elapsed);
    floorTimes.push(floor);
    for (const call of calls) {
      if (call.kind === 'dynamodb') {
        dynamoCalls++;
        commandCounts[call.command] = (commandCounts[call.command] ?? 0) + 1;
      } else httpCalls++;
    }
  }
  const violations = [...platforms.violations(), ...hubspot.violations];
  if (violations.length > 0) throw new Error(`contract violations: ${violations.join('; ')}`);
  if (platforms.dataManager.conversions.size !== total || platforms.meta.events.size !== total) {
    throw new Error('not every close reached both platforms');
  }
  await Promise.all([platforms.close(), hubspot.close()]);
  client.destroy();
  bareClient.destroy();
  await dynamo.stop();
  const path = { p50: percentile(pathTimes, 50), p99: percentile(pathTimes, 99) };
  const floor = { p50: percentile(floorTimes, 50), p99: percentile(floorTimes, 99) };
  return {
    iterations,
    path,
    floor,
    ratio: { p50: path.p50 / floor.p50, p99: path.p99 / floor.p99 },
    callsPerClose: { dynamodb: dynamoCalls / iterations, http: httpCalls / iterations },
    dynamoCommands: Object.fromEntries(
      Object.entries(commandCounts).map(([name, count]) => [name, count / iterations]),
    ),
  };
}

if (require.main === module) {
  measureWebhookPath().then((result) => console.log(JSON.stringify(result, null, 2)));
}
