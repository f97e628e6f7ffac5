import { createCollectHandler } from '../functions/collect';
import { createHubspotWebhookHandler } from '../functions/hubspot-webhook';
import { createSalesforceWebhookHandler } from '../functions/salesforce-webhook';
import type { HttpEvent } from '../lib/http/request';
import { hubspotSignatureHeaders } from '../local/hubspot-signing';
import { createLambdaContext } from '../local/lambda-context';
import { outboundMessage } from '../test/support/salesforce-soap';
import {
  BENCH_COLLECT_KEY,
  BENCH_HUBSPOT_SECRET,
  BENCH_PUBLIC_BASE_URL,
  BENCH_SALESFORCE_ORG,
  BENCH_SALESFORCE_TOKEN,
  type BenchEnvironment,
  startBenchEnvironment,
} from './environment';
import { computeFloor, type Floor } from './floor';
import { DEFAULT_LATENCY, type LatencyModel, UPLOAD_SERVICES } from './latency-model';
import { countCalls } from './latency-proxy';
import { HUBSPOT_CLOSE_ROUND_TRIPS, SALESFORCE_CLOSE_ROUND_TRIPS } from './round-trips';
import { percentile } from './support';

/**
 * (a) The webhook path under the latency model: a signed HubSpot closed-won event (→ HubSpot API
 * enrichment) and a Salesforce Outbound Message, each a new close of a captured lead, through the real
 * handlers → close recorded → joined → uploaded to Google Data Manager and Meta → deliveries recorded.
 * Every DynamoDB call and HTTP request crosses a latency proxy; the figures are the handler's answer time
 * and the time to its last upload, beside the floor of the round trips the path must make (round-trips.ts).
 */
export type PathFigures = {
  crm: 'hubspot' | 'salesforce';
  iterations: number;
  answer: { p50: number; p99: number };
  lastUpload: { p50: number; p99: number };
  floor: Floor;
  ratio: { answerP50: number; lastUploadP50: number };
  /** Round trips per close by service, and by `service operation`. */
  perClose: { byService: Record<string, number>; byOperation: Record<string, number> };
  /** Lambda bills each invocation's duration rounded up to the millisecond: the sum per 1,000 closes. */
  billedMsPer1000: number;
  /** DynamoDB request units per close (on-demand billing). */
  units: { read: number; write: number };
  /** The calls of the median close, from the handler's start (ms): where the time goes. */
  timeline: { service: string; operation: string; start: number; end: number }[];
};

/** serverless.yml: the webhooks run with the provider's memorySize. */
export const WEBHOOK_MEMORY_MB = 512;

function httpEvent(path: string, body: string, headers: Record<string, string>): HttpEvent {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'hooks.example.com', 'x-forwarded-proto': 'https', ...headers },
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

async function captureLeads(environment: BenchEnvironment, prefix: string, count: number) {
  // Through the direct runtime: the leads exist before their deals close, outside what is measured.
  const collect = createCollectHandler(environment.direct);
  for (let index = 0; index < count; index++) {
    const body = JSON.stringify({
      // Clicked an hour before: the deals close (a minute before their webhook) after their click.
      event: {
        name: 'lead_created',
        id: `${prefix}_${index}`,
        timestamp: new Date(Date.now() - 3_600_000).toISOString(),
      },
      context: {
        url: `https://example.com/?gclid=bench-gclid-${prefix}-${index}&fbclid=bench-fbclid-${index}`,
        ip: '203.0.113.7',
        user_agent: 'bench',
      },
      user: {
        email: `buyer.${prefix}.${index}@example.com`,
        phone: '+14155550100',
        first_name: 'Ada',
        last_name: 'Lovelace',
        country: 'US',
      },
      consent: { analytics: true, personalization: true, marketing: true },
    });
    const result = (await collect(
      httpEvent('/v1/events', body, { 'content-type': 'application/json', 'x-api-key': BENCH_COLLECT_KEY }),
      createLambdaContext('collect'),
    )) as { statusCode: number };
    if (result.statusCode !== 202) throw new Error(`collect answered ${result.statusCode}`);
  }
}

function hubspotClose(environment: BenchEnvironment, index: number, now: number): HttpEvent {
  const dealId = String(1000 + index);
  environment.hubspot.deals.set(dealId, {
    dealstage: 'closedwon',
    pipeline: 'default',
    amount: String(1000 + index),
    deal_currency_code: 'USD',
    hs_is_closed_won: 'true',
    hs_is_closed: 'true',
    createdate: new Date(now - 30 * 86_400_000).toISOString(),
    closedate: new Date(now - 60_000).toISOString(),
    hs_lastmodifieddate: new Date(now - 60_000).toISOString(),
    lead_id: `hs_${index}`,
  });
  environment.hubspot.associations.set(dealId, [String(5000 + index)]);
  environment.hubspot.contacts.set(String(5000 + index), { email: `buyer.hs.${index}@example.com` });
  const body = JSON.stringify([
    {
      eventId: 900_000 + index,
      subscriptionId: 1,
      portalId: 62515,
      appId: 1,
      occurredAt: now - 1000,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(dealId),
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    },
  ]);
  const headers = hubspotSignatureHeaders({
    clientSecret: BENCH_HUBSPOT_SECRET,
    uri: `${BENCH_PUBLIC_BASE_URL}/webhooks/hubspot`,
    body,
    timestamp: now,
  });
  return httpEvent('/webhooks/hubspot', body, { 'content-type': 'application/json', ...headers });
}

function salesforceClose(index: number, now: number): HttpEvent {
  const body = outboundMessage({
    organizationId: BENCH_SALESFORCE_ORG,
    notifications: [
      {
        id: `04l5g${String(index).padStart(10, '0')}`,
        fields: {
          Id: `0065g${String(index).padStart(10, '0')}`,
          StageName: 'Closed Won',
          IsWon: 'true',
          IsClosed: 'true',
          Amount: String(2000 + index),
          CloseDate: new Date(now).toISOString().slice(0, 10),
          CreatedDate: new Date(now - 30 * 86_400_000).toISOString(),
          LastModifiedDate: new Date(now - 60_000).toISOString(),
          SystemModstamp: new Date(now - 60_000).toISOString(),
          Lead_ID__c: `sf_${index}`,
          Loss_Reason__c: null,
        },
      },
    ],
  });
  const path = `/webhooks/salesforce/${BENCH_SALESFORCE_TOKEN}`;
  const event = httpEvent(path, body, { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' });
  return { ...event, pathParameters: { token: BENCH_SALESFORCE_TOKEN } };
}

async function measurePath(
  environment: BenchEnvironment,
  crm: 'hubspot' | 'salesforce',
  latency: LatencyModel,
  options: { iterations: number; warmup: number },
): Promise<PathFigures> {
  const total = options.iterations + options.warmup;
  await captureLeads(environment, crm === 'hubspot' ? 'hs' : 'sf', total);
  const handler =
    crm === 'hubspot'
      ? createHubspotWebhookHandler(environment.runtime)
      : createSalesforceWebhookHandler(environment.runtime);
  const answers: number[] = [];
  const lastUploads: number[] = [];
  const counted: ReturnType<typeof environment.log.take> = [];
  const timelines: PathFigures['timeline'][] = [];
  let billedMs = 0;
  const units = { read: 0, write: 0 };
  for (let index = 0; index < total; index++) {
    const now = Date.now();
    const event = crm === 'hubspot' ? hubspotClose(environment, index, now) : salesforceClose(index, now);
    const context = createLambdaContext(crm === 'hubspot' ? 'hubspot-webhook' : 'salesforce-webhook');
    environment.log.take();
    const unitsBefore = environment.capacity.peek();
    const started = performance.now();
    const result = (await handler(event, context)) as { statusCode: number };
    const elapsed = performance.now() - started;
    if (result.statusCode !== 200) throw new Error(`${crm} webhook answered ${result.statusCode}`);
    const calls = environment.log.take();
    const uploads = calls.filter((call) => UPLOAD_SERVICES.has(call.service));
    if (uploads.length === 0) throw new Error(`${crm} close ${index} was not uploaded inline`);
    if (index < options.warmup) continue;
    answers.push(elapsed);
    lastUploads.push(Math.max(...uploads.map((call) => call.end)) - started);
    billedMs += Math.ceil(elapsed);
    const unitsAfter = environment.capacity.peek();
    units.read += unitsAfter.read - unitsBefore.read;
    units.write += unitsAfter.write - unitsBefore.write;
    counted.push(...calls);
    timelines.push(calls.map((call) => ({ ...call, start: call.start - started, end: call.end - started })));
  }
  const perClose = countCalls(counted);
  const per = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count / options.iterations]));
  const floor = computeFloor(
    crm === 'hubspot' ? HUBSPOT_CLOSE_ROUND_TRIPS : SALESFORCE_CLOSE_ROUND_TRIPS,
    latency,
  );
  const answer = { p50: percentile(answers, 50), p99: percentile(answers, 99) };
  const lastUpload = { p50: percentile(lastUploads, 50), p99: percentile(lastUploads, 99) };
  return {
    crm,
    iterations: options.iterations,
    answer,
    lastUpload,
    floor,
    ratio: { answerP50: answer.p50 / floor.answerMs, lastUploadP50: lastUpload.p50 / floor.lastUploadMs },
    perClose: { byService: per(perClose.byService), byOperation: per(perClose.byOperation) },
    billedMsPer1000: (1000 * billedMs) / options.iterations,
    units: { read: units.read / options.iterations, write: units.write / options.iterations },
    timeline: timelines[answers.indexOf(percentile(answers, 50))] ?? [],
  };
}

process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export async function measureWebhookPath(
  options: { iterations?: number; warmup?: number; latency?: LatencyModel } = {},
): Promise<PathFigures[]> {
  const latency = options.latency ?? DEFAULT_LATENCY;
  const run = { iterations: options.iterations ?? 100, warmup: options.warmup ?? 5 };
  const environment = await startBenchEnvironment({ latency, now: Date.now });
  try {
    const figures = [
      await measurePath(environment, 'hubspot', latency, run),
      await measurePath(environment, 'salesforce', latency, run),
    ];
    const violations = environment.violations();
    if (violations.length > 0) throw new Error(`contract violations: ${violations.join('; ')}`);
    const total = run.iterations + run.warmup;
    const { dataManager, meta } = environment.platforms;
    if (dataManager.conversions.size !== 2 * total || meta.events.size !== 2 * total) {
      throw new Error(
        `not every close reached both platforms: ${dataManager.conversions.size} and ${meta.events.size} of ${2 * total}`,
      );
    }
    return figures;
  } finally {
    await environment.close();
  }
}

if (require.main === module) {
  measureWebhookPath({ iterations: Number(process.env.BENCH_LATENCY_ITERATIONS ?? 20) }).then((result) =>
    console.log(JSON.stringify(result, null, 2)),
  );
}
