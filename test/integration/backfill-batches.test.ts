import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { mapWithConcurrency } from '../../lib/concurrency';
import { captureFromReshape, mergeLead } from '../../lib/leads/capture';
import { decideCloseWrite } from '../../lib/pipeline/record-close';
import { assertSummary, invokeBackfill } from '../support/backfill';
import { createClock, DAY, HOUR, T0, type TestClock } from '../support/clock';
import { closeInput, leadCreatedEvent } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { runBackfill } from '../support/pipeline';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';

/**
 * The backfill at volume: due work read from the index only, leads joined in batches, uploads in full
 * platform batches (Data Manager 2,000 events, Meta 1,000), and few DynamoDB calls per delivery.
 */
const CLOSES = 5000;

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let commands: string[];

/** A DynamoDB client on the test table that counts the commands it sends. */
function countingClient(): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: table.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return client;
}

async function seed(count: number) {
  const setup = createTestRuntime(table, platforms.env, { now: clock.now });
  const ids = Array.from({ length: count }, (_, index) => `bulk-${index}`);
  await mapWithConcurrency(ids, 64, async (leadId, index) => {
    const lead = mergeLead(
      undefined,
      captureFromReshape(leadCreatedEvent(leadId), T0 - 30 * DAY),
      T0 - 30 * DAY,
    );
    // Closes recorded a millisecond apart: dynalite (not DynamoDB) loses an item when it pages a GSI
    // across items with equal sort keys.
    const close = decideCloseWrite(undefined, closeInput(leadId), T0 + index).next;
    if (!close) throw new Error('no close');
    await Promise.all([
      setup.store.putLead(lead, undefined, T0 / 1000 + 180 * 86_400),
      setup.store.putClose(close, undefined),
    ]);
  });
}

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  commands = [];
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

describe('processDueWork at volume', () => {
  it(`uploads ${CLOSES} closes in full batches through the backfill handler: 3 Data Manager and 5 Meta requests, no Scan`, async () => {
    await seed(CLOSES);
    clock.advance(HOUR);
    runtime = createTestRuntime(table, platforms.env, { now: clock.now, dynamo: countingClient() });

    const summary = assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }));

    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(3);
    expect(platforms.meta.requestsTo('events')).toHaveLength(5);
    expect(platforms.dataManager.conversions.size).toBe(CLOSES);
    expect(platforms.meta.events.size).toBe(CLOSES);
    expect(summary.deliveries).toEqual({ 'google-ads': { accepted: CLOSES }, meta: { delivered: CLOSES } });
    expect(summary.requests).toEqual({ 'google-ads': 3, meta: 5 });
    expect(summary.due.closesPlanned).toBe(CLOSES);
    expect(summary.more).toBe(false);
    expect(commands).not.toContain('ScanCommand');
    // Per delivery: one conditional write, half a close mark, and a share of the batched reads.
    expect(commands.length / (2 * CLOSES)).toBeLessThanOrEqual(2);
    expect(commands.filter((name) => name === 'GetItemCommand')).toHaveLength(0);

    // The next run asks for the 3 Data Manager requests' results: one status call each.
    clock.advance(DAY);
    const checked = assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }));
    expect(checked.processing).toEqual({
      checked: 3,
      pending: 0,
      deliveries: { 'google-ads': { processed: CLOSES } },
    });
    expect(platforms.dataManager.requestsTo('requestStatus')).toHaveLength(3);

    // Everything is done: nothing is due any more (one Query of the processing partition, one of the due one).
    commands.length = 0;
    clock.advance(DAY);
    const again = assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }));
    expect(again.due.read).toBe(0);
    expect(commands).toEqual(['QueryCommand', 'QueryCommand']);
  }, 240_000);

  it('retries due deliveries with one write each plus batched reads', async () => {
    await seed(600);
    clock.advance(HOUR);
    platforms.dataManager.failNext({
      status: 503,
      body: { error: { code: 503, status: 'UNAVAILABLE', message: 'x' } },
    });
    platforms.meta.failNext(platforms.meta.errorReply(2));
    const first = createTestRuntime(table, platforms.env, { now: clock.now });
    // Distinct retry times (see seed): the jitter differs per delivery.
    let draw = 0;
    const retried = await runBackfill(first, { random: () => ++draw / 30_000 });
    expect(retried.deliveries).toEqual({ 'google-ads': { retry: 600 }, meta: { retry: 600 } });

    clock.advance(HOUR);
    runtime = createTestRuntime(table, platforms.env, { now: clock.now, dynamo: countingClient() });
    const summary = await runBackfill(runtime);

    expect(summary.deliveries).toEqual({ 'google-ads': { accepted: 600 }, meta: { delivered: 600 } });
    // One write per delivery, plus the one processing check of the one Data Manager request.
    expect(commands.filter((name) => name === 'PutItemCommand')).toHaveLength(1201);
    expect(commands).not.toContain('ScanCommand');
    expect(commands.length / 1200).toBeLessThanOrEqual(1.1);
  }, 120_000);
});
