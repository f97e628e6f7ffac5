import { createCollectHandler } from '../functions/collect';
import type { HttpEvent } from '../lib/http/request';
import { createLambdaContext } from '../local/lambda-context';
import { BENCH_COLLECT_KEY, type BenchEnvironment, startBenchEnvironment } from './environment';
import { DEFAULT_LATENCY, type LatencyModel } from './latency-model';
import { countCalls } from './latency-proxy';
import { percentile } from './support';

/**
 * (b) collect under the latency model: one request of `leads` lead_created events (500, the most a request
 * may carry) with DynamoDB at `dynamodbMs` per call; each run a fresh batch of new leads. The figure is the
 * handler's answer time, beside the DynamoDB calls it made.
 */
export type CollectBatchFigures = {
  leads: number;
  dynamodbMs: number;
  runs: number;
  answer: { p50: number; max: number };
  /** The answers' status codes: 202, or what the Lambda's 10-second limit made of the request. */
  statuses: Record<string, number>;
  dynamoCalls: Record<string, number>;
  /** DynamoDB request units per batch. */
  units: { read: number; write: number };
  /** The same for a request of one lead, as a site sends them one form at a time. */
  single: { answerP50: number; dynamoCalls: number; units: { read: number; write: number } };
};

function collectEvent(body: string): HttpEvent {
  return {
    version: '2.0',
    routeKey: 'POST /v1/events',
    rawPath: '/v1/events',
    rawQueryString: '',
    headers: {
      host: 'hooks.example.com',
      'content-type': 'application/json',
      'x-api-key': BENCH_COLLECT_KEY,
    },
    requestContext: {
      accountId: '0',
      apiId: 'bench',
      domainName: 'hooks.example.com',
      domainPrefix: 'hooks',
      http: {
        method: 'POST',
        path: '/v1/events',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: 'bench',
      routeKey: 'POST /v1/events',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  };
}

function batchBody(run: number, leads: number): string {
  return JSON.stringify(
    Array.from({ length: leads }, (_, index) => ({
      event: { name: 'lead_created', id: `batch_${run}_${index}` },
      context: {
        url: `https://example.com/?gclid=batch-gclid-${run}-${index}`,
        ip: '203.0.113.7',
        user_agent: 'bench',
      },
      user: { email: `batch.${run}.${index}@example.com`, phone: '+14155550100', country: 'US' },
      consent: { analytics: true, personalization: true, marketing: true },
    })),
  );
}

async function measureSingleLeads(
  environment: BenchEnvironment,
  collect: ReturnType<typeof createCollectHandler>,
  count: number,
): Promise<CollectBatchFigures['single']> {
  const answers: number[] = [];
  let calls = 0;
  const before = environment.capacity.peek();
  for (let index = 0; index < count; index++) {
    const event = collectEvent(JSON.stringify(JSON.parse(batchBody(-1 - index, 1))[0]));
    environment.log.take();
    const started = performance.now();
    const result = (await collect(event, createLambdaContext('collect'))) as { statusCode: number };
    answers.push(performance.now() - started);
    if (result.statusCode !== 202) throw new Error(`collect answered ${result.statusCode} for one lead`);
    calls += environment.log.take().filter((call) => call.service === 'dynamodb').length;
  }
  const after = environment.capacity.peek();
  return {
    answerP50: percentile(answers, 50),
    dynamoCalls: calls / count,
    units: { read: (after.read - before.read) / count, write: (after.write - before.write) / count },
  };
}

process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export async function measureCollectBatch(
  options: { leads?: number; runs?: number; latency?: LatencyModel } = {},
): Promise<CollectBatchFigures> {
  const leads = options.leads ?? 500;
  const runs = options.runs ?? 5;
  const latency = { ...(options.latency ?? DEFAULT_LATENCY), dynamodb: options.latency?.dynamodb ?? 8 };
  const environment = await startBenchEnvironment({ latency, now: Date.now });
  try {
    const collect = createCollectHandler(environment.runtime);
    const answers: number[] = [];
    const statuses: Record<string, number> = {};
    const calls: ReturnType<typeof environment.log.take> = [];
    const units = { read: 0, write: 0 };
    // One batch to warm up (connections, the Lambda's first call), then the measured ones.
    for (let run = 0; run <= runs; run++) {
      const event = collectEvent(batchBody(run, leads));
      environment.log.take();
      const before = environment.capacity.peek();
      const started = performance.now();
      const result = (await collect(event, createLambdaContext('collect'))) as { statusCode: number };
      const elapsed = performance.now() - started;
      const taken = environment.log.take();
      if (run === 0) continue;
      statuses[result.statusCode] = (statuses[result.statusCode] ?? 0) + 1;
      const after = environment.capacity.peek();
      units.read += after.read - before.read;
      units.write += after.write - before.write;
      answers.push(elapsed);
      calls.push(...taken);
    }
    const { byOperation } = countCalls(calls.filter((call) => call.service === 'dynamodb'));
    const single = await measureSingleLeads(environment, collect, 20);
    return {
      leads,
      dynamodbMs: latency.dynamodb,
      runs,
      answer: { p50: percentile(answers, 50), max: Math.max(...answers) },
      statuses,
      dynamoCalls: Object.fromEntries(
        Object.entries(byOperation).map(([name, count]) => [name.replace('dynamodb ', ''), count / runs]),
      ),
      units: { read: units.read / runs, write: units.write / runs },
      single,
    };
  } finally {
    await environment.close();
  }
}

if (require.main === module) {
  measureCollectBatch().then((result) => console.log(JSON.stringify(result, null, 2)));
}
