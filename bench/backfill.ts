import * as dynamodb from '@aws-sdk/client-dynamodb';
import { createRuntime } from '../functions/runtime';
import { mapWithConcurrency } from '../lib/concurrency';
import { captureFromReshape, mergeLead } from '../lib/leads/capture';
import { decideCloseWrite } from '../lib/pipeline/record-close';
import { ensureTable, startDynalite } from '../local/dynalite';
import { assertSummary, invokeBackfill } from '../test/support/backfill';
import { createClock, DAY, HOUR, T0 } from '../test/support/clock';
import { closeInput, leadCreatedEvent } from '../test/support/conversions';
import { startPlatforms } from '../test/support/platforms';

/**
 * (b) The backfill at volume, through its handler, against dynalite and the loopback platform fakes:
 * - fresh: N closes recorded but never dispatched (2 destinations → 2N deliveries to plan and upload);
 * - retry: the same deliveries after both platforms failed once (2N due retries).
 * Figures: wall time, DynamoDB calls and platform requests per 1,000 conversions (one conversion = one
 * delivery: one close uploaded to one platform), beside the minimum possible for the same work.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export type BackfillScenario = {
  scenario: 'fresh' | 'retry';
  conversions: number;
  wallMs: number;
  dynamoCalls: Record<string, number>;
  dynamoPer1000: number;
  dynamoMinimumPer1000: number;
  platformRequests: { dataManager: number; meta: number };
  platformMinimum: { dataManager: number; meta: number };
};

export async function measureBackfill(options: { closes?: number } = {}): Promise<BackfillScenario[]> {
  const closes = options.closes ?? 5000;
  const conversions = 2 * closes;
  const dynamo = await startDynalite();
  const clock = createClock();
  const platforms = await startPlatforms({ now: clock.now });
  const commands = new Map<string, number>();
  const client = new dynamodb.DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.set(String(context.commandName), (commands.get(String(context.commandName)) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  await ensureTable(client, 'bench');
  const env = { ...platforms.env, TABLE_NAME: 'bench', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  const runtime = createRuntime(env, { dynamo: client, now: clock.now });

  // Leads and closes, as webhooks would have left them had their inline dispatch never run.
  const ids = Array.from({ length: closes }, (_, index) => `bench-${index}`);
  await mapWithConcurrency(ids, 16, async (leadId, index) => {
    const lead = mergeLead(
      undefined,
      captureFromReshape(leadCreatedEvent(leadId), T0 - 30 * DAY),
      T0 - 30 * DAY,
    );
    // A millisecond apart: dynalite (not DynamoDB) drops an item when it pages a GSI across equal sort keys.
    const close = decideCloseWrite(undefined, closeInput(leadId), T0 + index).next;
    if (!close) throw new Error('no close');
    await Promise.all([
      runtime.store.putLead(lead, undefined, T0 / 1000 + 180 * 86_400),
      runtime.store.putClose(close, undefined),
    ]);
  });
  const results: BackfillScenario[] = [];
  const perThousand = (calls: number) => (1000 * calls) / conversions;
  const minimumPlatform = { dataManager: Math.ceil(closes / 2000), meta: Math.ceil(closes / 1000) };

  // Fresh: both platforms are down for the whole run, so every delivery becomes a due retry for the second
  // scenario (the planning and the requests are the same as for a run that succeeds).
  clock.advance(HOUR);
  commands.clear();
  platforms.dataManager.failNext(
    { status: 503, body: { error: { code: 503, status: 'UNAVAILABLE', message: 'x' } } },
    { times: Math.ceil(closes / 2000) },
  );
  platforms.meta.failNext(platforms.meta.errorReply(2), { times: Math.ceil(closes / 1000) });
  let started = performance.now();
  // Distinct jitter per retry: dynalite (not DynamoDB) drops an item when it pages across equal sort keys.
  let draw = 0;
  assertSummary(
    await invokeBackfill(
      runtime,
      clock,
      { source: 'schedule' },
      { handler: { random: () => ++draw / (4 * conversions) } },
    ),
  );
  results.push({
    scenario: 'fresh',
    conversions,
    wallMs: performance.now() - started,
    dynamoCalls: Object.fromEntries(commands),
    dynamoPer1000: perThousand([...commands.values()].reduce((a, b) => a + b, 0)),
    // One conditional write per delivery, one "planned" mark per close, reads batched by 100 (leads).
    dynamoMinimumPer1000: perThousand(conversions + closes + Math.ceil(closes / 100) + 1),
    platformRequests: {
      dataManager: platforms.dataManager.requestsTo('ingest').length,
      meta: platforms.meta.requestsTo('events').length,
    },
    platformMinimum: minimumPlatform,
  });

  clock.advance(DAY);
  commands.clear();
  const before = {
    dataManager: platforms.dataManager.requestsTo('ingest').length,
    meta: platforms.meta.requestsTo('events').length,
  };
  started = performance.now();
  const summary = assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }));
  if (platforms.dataManager.conversions.size !== closes || platforms.meta.events.size !== closes) {
    throw new Error(`not every conversion arrived: ${JSON.stringify(summary.deliveries)}`);
  }
  results.push({
    scenario: 'retry',
    conversions,
    wallMs: performance.now() - started,
    dynamoCalls: Object.fromEntries(commands),
    dynamoPer1000: perThousand([...commands.values()].reduce((a, b) => a + b, 0)),
    // One write per delivery; closes and leads read in batches of 100; the index read in pages.
    dynamoMinimumPer1000: perThousand(conversions + 2 * Math.ceil(closes / 100) + 1),
    platformRequests: {
      dataManager: platforms.dataManager.requestsTo('ingest').length - before.dataManager,
      meta: platforms.meta.requestsTo('events').length - before.meta,
    },
    platformMinimum: minimumPlatform,
  });
  if (platforms.violations().length > 0) throw new Error(platforms.violations().join('; '));
  await platforms.close();
  client.destroy();
  await dynamo.stop();
  return results;
}

if (require.main === module) {
  measureBackfill().then((results) => console.log(JSON.stringify(results, null, 2)));
}
