import { createBackfillHandler } from '../functions/backfill';
import { captureFromReshape, mergeLead } from '../lib/leads/capture';
import { decideCloseWrite } from '../lib/pipeline/record-close';
import { createLambdaContext } from '../local/lambda-context';
import { DAY, HOUR, T0 } from '../test/support/clock';
import { closeInput, leadCreatedEvent } from '../test/support/conversions';
import { BENCH_TABLE, startBenchEnvironment } from './environment';
import { DEFAULT_LATENCY, type LatencyModel } from './latency-model';
import { countCalls } from './latency-proxy';
import { createCapturingStore, writeItems } from './seed-table';

/**
 * (c) The backfill at volume, through its handler, in one invocation with the 15 minutes of a Lambda, under
 * the latency model (every DynamoDB call and platform request through its proxy):
 * - fresh: N closes recorded but never dispatched (2 destinations → 2N deliveries to plan and upload);
 * - retry: the same deliveries after both platforms failed once (2N due retries).
 * Figures: wall time, DynamoDB calls and platform requests per conversion (one conversion = one delivery:
 * one close uploaded to one platform), beside the minimum possible for the same work.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export type BackfillScenario = {
  scenario: 'fresh' | 'retry';
  conversions: number;
  wallMs: number;
  /** True when the run stopped at its deadline with work left (it must not). */
  more: boolean;
  dynamoCalls: Record<string, number>;
  dynamoPerConversion: number;
  dynamoMinimumPerConversion: number;
  platformRequests: { dataManager: number; meta: number };
  platformMinimum: { dataManager: number; meta: number };
  /** DynamoDB request units of the whole run. */
  units: { read: number; write: number };
};

/** Lambda's longest run: the backfill's configured timeout (serverless.yml). */
const LAMBDA_TIMEOUT_MS = 15 * 60_000;

/** A clock at T0 + whatever the story advanced it by, running in real time: deadlines are real. */
function realTimeClock(start: number) {
  const base = performance.now();
  let offset = 0;
  return {
    now: () => Math.floor(start + offset + (performance.now() - base)),
    advance(ms: number) {
      offset += ms;
    },
  };
}

export async function measureBackfill(
  options: { closes?: number; latency?: LatencyModel; log?: (line: string) => void } = {},
): Promise<BackfillScenario[]> {
  const closes = options.closes ?? 50_000;
  const conversions = 2 * closes;
  const log = options.log ?? (() => undefined);
  const clock = realTimeClock(T0);
  const environment = await startBenchEnvironment({
    latency: options.latency ?? DEFAULT_LATENCY,
    now: clock.now,
    crm: false,
  });
  const { platforms, direct, runtime } = environment;
  try {
    // Leads and closes as webhooks would have left them had their inline dispatch never run; written
    // straight to the table (no latency, not counted).
    const seedStarted = performance.now();
    const seeding = createCapturingStore(BENCH_TABLE);
    for (let index = 0; index < closes; index++) {
      const leadId = `bench-${index}`;
      const lead = mergeLead(
        undefined,
        captureFromReshape(leadCreatedEvent(leadId), T0 - 30 * DAY),
        T0 - 30 * DAY,
      );
      // A millisecond apart: dynalite (not DynamoDB) drops an item when it pages a GSI across equal sort keys.
      const close = decideCloseWrite(undefined, closeInput(leadId), T0 + index).next;
      if (!close) throw new Error('no close');
      await seeding.store.putLead(lead, undefined, T0 / 1000 + 180 * 86_400);
      await seeding.store.putClose(close, undefined);
    }
    await writeItems(direct.dynamo, BENCH_TABLE, seeding.take());
    log(`  seeded ${closes} leads and closes in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);

    const minimumPlatform = { dataManager: Math.ceil(closes / 2000), meta: Math.ceil(closes / 1000) };
    const requests = () => ({
      dataManager: platforms.dataManager.requestsTo('ingest').length,
      meta: platforms.meta.requestsTo('events').length,
    });
    const run = async (scenario: BackfillScenario['scenario'], minimumDynamo: number) => {
      const before = requests();
      environment.log.take();
      environment.capacity.take();
      // Distinct jitter per retry: dynalite (not DynamoDB) drops an item when it pages across equal sort keys.
      let draw = 0;
      const handler = createBackfillHandler(runtime, {
        random: () => ++draw / (4 * conversions),
        pollTuning: { hubspot: { searchIntervalMs: 0 } },
        sleep: async (ms) => clock.advance(ms),
      });
      const context = { ...createLambdaContext('backfill') };
      const end = clock.now() + LAMBDA_TIMEOUT_MS;
      context.getRemainingTimeInMillis = () => Math.max(0, end - clock.now());
      const started = performance.now();
      const result = await handler({ source: 'schedule' }, context);
      const wallMs = performance.now() - started;
      if (!('deliveries' in result)) throw new Error(`backfill refused: ${JSON.stringify(result)}`);
      const calls = environment.log.take().filter((call) => call.service === 'dynamodb');
      const { byOperation } = countCalls(calls);
      const after = requests();
      const row: BackfillScenario = {
        scenario,
        conversions,
        wallMs,
        more: result.more,
        dynamoCalls: Object.fromEntries(
          Object.entries(byOperation).map(([name, count]) => [name.replace('dynamodb ', ''), count]),
        ),
        dynamoPerConversion: calls.length / conversions,
        dynamoMinimumPerConversion: minimumDynamo / conversions,
        platformRequests: {
          dataManager: after.dataManager - before.dataManager,
          meta: after.meta - before.meta,
        },
        platformMinimum: minimumPlatform,
        units: environment.capacity.take(),
      };
      log(
        `  ${scenario}: ${(wallMs / 1000).toFixed(0)} s, ${row.dynamoPerConversion.toFixed(3)} calls/conversion`,
      );
      return row;
    };

    // Fresh: both platforms are down for the whole run, so every delivery becomes a due retry for the second
    // scenario (the planning and the requests are the same as for a run that succeeds).
    clock.advance(HOUR);
    platforms.dataManager.failNext(
      { status: 503, body: { error: { code: 503, status: 'UNAVAILABLE', message: 'x' } } },
      { times: minimumPlatform.dataManager },
    );
    platforms.meta.failNext(platforms.meta.errorReply(2), { times: minimumPlatform.meta });
    // One conditional write per delivery, one "planned" mark per close, reads batched by 100 (leads,
    // deliveries), the index read in pages of 1,000.
    const fresh = await run(
      'fresh',
      conversions +
        closes +
        Math.ceil(closes / 100) +
        Math.ceil(conversions / 100) +
        Math.ceil(closes / 1000),
    );
    clock.advance(DAY);
    // One write per delivery; closes and leads read in batches of 100; the index read in pages of 1,000.
    const retry = await run(
      'retry',
      conversions + 2 * Math.ceil(closes / 100) + Math.ceil(conversions / 1000),
    );
    if (platforms.dataManager.conversions.size !== closes || platforms.meta.events.size !== closes) {
      throw new Error(
        `not every conversion arrived: ${platforms.dataManager.conversions.size} Google, ${platforms.meta.events.size} Meta`,
      );
    }
    const violations = environment.violations();
    if (violations.length > 0) throw new Error(violations.slice(0, 5).join('; '));
    return [fresh, retry];
  } finally {
    await environment.close();
  }
}

if (require.main === module) {
  measureBackfill({ closes: Number(process.env.BENCH_CLOSES ?? 50_000), log: console.error }).then(
    (results) => console.log(JSON.stringify(results, null, 2)),
  );
}
