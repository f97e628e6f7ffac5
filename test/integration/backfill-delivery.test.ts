import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackfillProgress } from '../../lib/backfill/run-backfill';
import { mapWithConcurrency } from '../../lib/concurrency';
import { createMetricsRecorder, type MetricsRecorder } from '../../lib/observability/metrics';
import { MAX_ATTEMPTS } from '../../lib/pipeline/delivery-outcome';
import { assertSummary, invokeBackfill } from '../support/backfill';
import { createClock, DAY, HOUR, MINUTE, T0, type TestClock } from '../support/clock';
import { closeInput, GCLID, storeClose, storeLead } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { deliveriesOf } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createRecordingLogger } from '../support/recording-logger';
import { createTestRuntime } from '../support/runtime';
import { dueItems, scanTable } from '../support/table-items';

/**
 * The backfill's delivery side through its handler: late leads, a destination that fails then recovers,
 * runs cut short by the time budget or by a crash, give-ups, retryNow, dry runs and bad input. "Exactly
 * once" is counted at the fakes both ways: de-duplicated as the platform does (Data Manager by
 * transactionId, Meta by event_name + event_id) and raw (events the platform accepted).
 */

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let metrics: MetricsRecorder;
let published: { name: string; dimensions: Record<string, string>; value: number }[];
let log: ReturnType<typeof createRecordingLogger>;

function runtimeWith(overrides: { dynamo?: DynamoDBClient; env?: Record<string, string> } = {}) {
  return createTestRuntime(table, overrides.env ?? platforms.env, {
    now: clock.now,
    metrics,
    logger: log.logger,
    ...(overrides.dynamo ? { dynamo: overrides.dynamo } : {}),
  });
}

/** A client on the test table that lets each command take `msPerCommand` on the clock, and can die. */
function slowClient(options: { msPerCommand: number; dieAfterPuts?: number }): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: table.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let puts = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      clock.advance(options.msPerCommand);
      if (context.commandName === 'PutItemCommand') puts++;
      if (options.dieAfterPuts !== undefined && puts > options.dieAfterPuts) {
        throw Object.assign(new Error('the process died'), { name: 'ProcessDied' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'slowAndMortal' },
  );
  return client;
}

/** Closes with their leads, recorded a while ago (past the inline dispatch's grace) and never dispatched. */
async function seedCloses(count: number, prefix: string): Promise<string[]> {
  const runtime = runtimeWith();
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
  await mapWithConcurrency(ids, 16, async (leadId, index) => {
    await storeLead(runtime.store, leadId);
    // A millisecond apart: dynalite loses items when it pages a GSI across equal sort keys.
    await storeClose(runtime.store, closeInput(leadId), T0 - 10 * MINUTE + index);
  });
  return ids;
}

function countOf(name: string, dimensions: Record<string, string>) {
  return published
    .filter((entry) => entry.name === name && JSON.stringify(entry.dimensions) === JSON.stringify(dimensions))
    .reduce((sum, entry) => sum + entry.value, 0);
}

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  published = [];
  metrics = createMetricsRecorder((name, dimensions, value) => published.push({ name, dimensions, value }));
  log = createRecordingLogger();
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

describe('backfill handler: leads that arrive late', () => {
  it('delivers a close recorded before its lead once the lead has arrived', async () => {
    const runtime = runtimeWith();
    await storeClose(runtime.store, closeInput('lead-late'), T0 - 10 * MINUTE);

    const waiting = assertSummary(await invokeBackfill(runtime, clock));
    expect(waiting.deliveries).toEqual({
      'google-ads': { waiting_for_lead: 1 },
      meta: { waiting_for_lead: 1 },
    });
    expect(countOf('LeadJoinMisses', { crm: 'hubspot' })).toBe(1);

    // The lead arrives (its own dispatch lost, say); the next look after the hourly re-check sends it.
    await storeLead(runtime.store, 'lead-late', {}, T0 + 10 * MINUTE);
    clock.advance(30 * MINUTE);
    expect(assertSummary(await invokeBackfill(runtime, clock)).deliveries).toEqual({});
    clock.advance(31 * MINUTE);
    const delivered = assertSummary(await invokeBackfill(runtime, clock));

    expect(delivered.deliveries).toEqual({ 'google-ads': { accepted: 1 }, meta: { delivered: 1 } });
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.won}|lead-late`)?.event.adIdentifiers).toEqual({
      gclid: GCLID,
    });
    expect(countOf('LeadJoinMisses', { crm: 'hubspot' })).toBe(1);
  });
});

describe('backfill handler: failing destinations', () => {
  it('gets each conversion to a destination that fails 3 times exactly once', async () => {
    await seedCloses(20, 'flaky');
    const runtime = runtimeWith();
    platforms.dataManager.failNext(
      { status: 503, body: { error: { code: 503, status: 'UNAVAILABLE', message: 'backend unavailable' } } },
      { times: 3 },
    );
    platforms.meta.failNext(
      platforms.meta.errorReply(2, { status: 500, message: 'Service temporarily unavailable' }),
      { times: 3 },
    );

    const statuses: unknown[] = [];
    for (let run = 0; run < 4; run++) {
      statuses.push(assertSummary(await invokeBackfill(runtime, clock)).deliveries);
      clock.advance(10 * MINUTE);
    }

    expect(statuses).toEqual([
      { 'google-ads': { retry: 20 }, meta: { retry: 20 } },
      { 'google-ads': { retry: 20 }, meta: { retry: 20 } },
      { 'google-ads': { retry: 20 }, meta: { retry: 20 } },
      { 'google-ads': { accepted: 20 }, meta: { delivered: 20 } },
    ]);
    // De-duplicated as the platforms count, and raw: every accepted event exactly once.
    expect(platforms.dataManager.conversions.size).toBe(20);
    expect(platforms.dataManager.eventsReceived).toBe(20);
    expect(platforms.meta.events.size).toBe(20);
    expect(platforms.meta.eventsReceived).toBe(20);
    // One request per run and destination: three refused, one accepted.
    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(4);
    expect(platforms.meta.requestsTo('events')).toHaveLength(4);
    expect(await dueItems(table)).toEqual([]);
  });

  it('gives up after the last attempt with failed:retries_exhausted, a metric and a log line; retryNow takes it up again', async () => {
    const runtime = runtimeWith();
    await storeLead(runtime.store, 'lead-tired');
    const close = await storeClose(runtime.store, closeInput('lead-tired'), T0 - DAY);
    await runtime.store.markSubjectPlanned(close.subjectKey, close.version);
    for (const destination of ['google-ads', 'meta']) {
      await runtime.store.putDelivery(
        {
          subjectKey: 'lead-tired',
          destination,
          status: 'retry',
          subjectVersion: 1,
          attempts: MAX_ATTEMPTS - 1,
          createdAt: T0 - DAY,
          updatedAt: T0 - HOUR,
          nextAttemptAt: T0 - MINUTE,
          retrying: { since: T0 - DAY, fromAttempt: 0 },
        },
        undefined,
      );
    }
    platforms.meta.failNext(platforms.meta.errorReply(2, { status: 500 }));
    platforms.dataManager.failNext({
      status: 503,
      body: { error: { code: 503, status: 'UNAVAILABLE', message: 'x' } },
    });

    const gaveUp = assertSummary(await invokeBackfill(runtime, clock));

    expect(gaveUp.deliveries).toEqual({
      'google-ads': { 'failed:retries_exhausted': 1 },
      meta: { 'failed:retries_exhausted': 1 },
    });
    expect(countOf('DeliveriesGivenUp', { destination: 'meta', reason: 'retries_exhausted' })).toBe(1);
    expect(countOf('DeliveriesGivenUp', { destination: 'google-ads', reason: 'retries_exhausted' })).toBe(1);
    const warnings = log.lines.filter(
      (line) => line.startsWith('warn') && line.includes('deliveries given up'),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('lead-tired');
    // A failed delivery is not due: the schedule leaves it alone.
    clock.advance(HOUR);
    expect(assertSummary(await invokeBackfill(runtime, clock)).due.read).toBe(0);

    const retried = assertSummary(await invokeBackfill(runtime, clock, { retryNow: true }));

    expect(retried.due.failedRetried).toBe(2);
    expect(retried.deliveries).toEqual({ 'google-ads': { accepted: 1 }, meta: { delivered: 1 } });
    expect(platforms.meta.eventsReceived).toBe(1);
    expect((await runtime.store.queryFailed({ limit: 10 })).deliveries).toEqual([]);
  });

  it('retries a delivery failed by configuration once the configuration is fixed, with retryNow', async () => {
    await seedCloses(3, 'token');
    const runtime = runtimeWith();
    platforms.meta.failNext(platforms.meta.errorReply(190, { message: 'Error validating access token' }));

    const failed = assertSummary(await invokeBackfill(runtime, clock));
    expect(failed.deliveries.meta).toEqual({ 'failed:token_expired': 3 });
    expect(countOf('DeliveriesGivenUp', { destination: 'meta', reason: 'token_expired' })).toBe(3);

    // The token is renewed; an operator retries the failures now.
    clock.advance(HOUR);
    const retried = assertSummary(await invokeBackfill(runtime, clock, { retryNow: true }));

    expect(retried.due.failedRetried).toBe(3);
    expect(retried.deliveries).toEqual({ meta: { delivered: 3 } });
    expect(platforms.meta.events.size).toBe(3);
  });
});

describe('backfill handler: runs cut short', () => {
  it('stops for its time budget with work left, and the next run finishes it without loss or duplicates', async () => {
    const ids = await seedCloses(150, 'budget');
    // Each DynamoDB call takes 20 ms on the clock: a 5-second run has time for about two rounds of 50.
    const runtime = runtimeWith({ dynamo: slowClient({ msPerCommand: 20 }) });
    const options = { remainingMs: 5000, handler: { safetyMarginMs: 0, reserveMs: 1500, limit: 50 } };

    const first = assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }, options));

    expect(first.more).toBe(true);
    const firstDelivered = first.deliveries.meta?.delivered ?? 0;
    expect(firstDelivered).toBeGreaterThan(0);
    expect(firstDelivered).toBeLessThan(150);

    clock.advance(15 * MINUTE);
    const runs = [first];
    while (runs.at(-1)?.more) {
      runs.push(
        assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }, { remainingMs: HOUR })),
      );
      clock.advance(15 * MINUTE);
    }

    const delivered = runs.reduce((sum, run) => sum + (run.deliveries.meta?.delivered ?? 0), 0);
    expect(delivered).toBe(150);
    expect(platforms.meta.events.size).toBe(150);
    expect(platforms.meta.eventsReceived).toBe(150);
    expect(platforms.dataManager.eventsReceived).toBe(150);
    expect((await deliveriesOf(runtime, ids[149] as string))['google-ads']?.status).toBe('accepted');
    expect(await dueItems(table)).toEqual([]);
  });

  it('recovers from a run that died mid-way: every conversion once at the platform, nothing left due', async () => {
    await seedCloses(50, 'crash');
    const dying = runtimeWith({ dynamo: slowClient({ msPerCommand: 0, dieAfterPuts: 31 }) });

    const died = await invokeBackfill(dying, clock);

    // It uploaded everything, then lost the table after 30 of its 100 result writes: the other 70
    // deliveries are still due, exactly as if the process had died there.
    expect(died).toMatchObject({ ok: true, more: true, due: { deferred: 70 } });
    expect(platforms.meta.eventsReceived).toBe(50);
    expect((await dueItems(table)).length).toBeGreaterThan(0);

    clock.advance(15 * MINUTE);
    const healthy = runtimeWith();
    const summary = assertSummary(await invokeBackfill(healthy, clock));

    expect(summary.more).toBe(false);
    // The unrecorded ones were uploaded again; the platforms' ids made that an update, not a second one.
    expect(platforms.dataManager.conversions.size).toBe(50);
    expect(platforms.meta.events.size).toBe(50);
    expect(platforms.meta.eventsReceived).toBeGreaterThan(50);
    const deliveries = (await scanTable(table)).filter((item) => item.type === 'delivery');
    expect(deliveries).toHaveLength(100);
    // Google's are taken and awaiting their processing result (checked 30 minutes after the upload).
    expect(
      deliveries.every(
        (item) => item.status === (item.destination === 'google-ads' ? 'accepted' : 'delivered'),
      ),
    ).toBe(true);
    expect(await dueItems(table)).toEqual([]);
  });
});

describe('backfill handler: manual runs', () => {
  it('rehearses a dry run: payloads shown, nothing written, nothing sent', async () => {
    await seedCloses(2, 'rehearsal');
    const runtime = runtimeWith();
    const before = await scanTable(table);

    const summary = assertSummary(await invokeBackfill(runtime, clock, { dryRun: true }));

    expect(summary.dryRun).toBe(true);
    expect(summary.deliveries).toEqual({
      'google-ads': { 'skipped:dry_run': 2 },
      meta: { 'skipped:dry_run': 2 },
    });
    expect(summary.preview).toHaveLength(4);
    expect(summary.preview?.[0]).toMatchObject({ status: 'skipped:dry_run', payload: { method: 'POST' } });
    expect(await scanTable(table)).toEqual(before);
    expect(platforms.dataManager.requests).toHaveLength(0);
    expect(platforms.meta.requests).toHaveLength(0);

    // The rehearsal consumed nothing: the real run sends both.
    const real = assertSummary(await invokeBackfill(runtime, clock));
    expect(real.deliveries).toEqual({ 'google-ads': { accepted: 2 }, meta: { delivered: 2 } });
  });

  it('refuses bad input with the fields named, writing and sending nothing', async () => {
    await seedCloses(1, 'refused');
    const runtime = runtimeWith();
    const before = await scanTable(table);

    const result = await invokeBackfill(runtime, clock, { since: 'last tuesday', retryNow: 'yes' });

    expect(result).toEqual({
      ok: false,
      error: 'invalid backfill input',
      issues: [
        { field: 'since', message: 'must be an ISO 8601 date-time with a zone, like 2026-11-20T00:00:00Z' },
        { field: 'retryNow', message: 'must be true or false' },
      ],
    });
    expect(await scanTable(table)).toEqual(before);
    expect(platforms.meta.requests).toHaveLength(0);
  });

  it('reports progress round by round', async () => {
    await seedCloses(5, 'progress');
    const runtime = runtimeWith();
    const progress: BackfillProgress[] = [];

    await invokeBackfill(
      runtime,
      clock,
      {},
      { handler: { onProgress: (event) => progress.push(event), limit: 2 } },
    );

    const rounds = progress.filter((event) => event.phase === 'deliver');
    expect(rounds).toHaveLength(3);
    expect(rounds.at(-1)).toMatchObject({ deliveries: 10, rounds: 3 });
  });
});
