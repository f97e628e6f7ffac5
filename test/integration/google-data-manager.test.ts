import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { createClock, DAY, T0, type TestClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline, runBackfill } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { dueItems } from '../support/table-items';

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let sequence = 0;
const nextLeadId = () => `dm-lead-${++sequence}`;

/** A table per test: the backfill reads the whole due index, and must see only this test's work. */
async function setUp(
  options: Parameters<typeof startPlatforms>[0] extends infer O ? Partial<O> : never = {},
  env: Record<string, string> = {},
) {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now, ...options });
  runtime = createTestRuntime(table, { ...platforms.env, ...env }, { now: clock.now });
}

beforeEach(async () => {
  await setUp();
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function wonClose(leadId: string, overrides = {}) {
  await storeLead(runtime.store, leadId);
  return storeClose(runtime.store, closeInput(leadId, overrides));
}

describe('Google Data Manager destination', () => {
  it('uploads a won close joined to its lead and records the delivery', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);

    const summary = await dispatchInline(runtime, [leadId]);

    expect(summary.requests['google-ads']).toBe(1);
    const [request] = platforms.dataManager.requestsTo('ingest');
    expect(request?.headers.authorization).toBe('Bearer ya29.test-token-1');
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.won}|${leadId}`)?.event).toMatchObject({
      transactionId: leadId,
      conversionValue: 4500,
      currency: 'USD',
      eventSource: 'OTHER',
    });
    const delivery = (await deliveriesOf(runtime, leadId))['google-ads'];
    expect(delivery).toMatchObject({
      status: 'accepted',
      attempts: 1,
      subjectVersion: 1,
      platformResponseId: 'dm-request-1',
      delivered: { version: 1, outcome: 'won', value: 4500, currency: 'USD' },
      payload: { method: 'POST', url: `${platforms.dataManager.baseUrl}/v1/events:ingest` },
    });
    expect(delivery?.nextAttemptAt).toBeUndefined();
    expect((await runtime.store.getClose(leadId))?.planned).toBe(true);
    expect((await dueItems(table)).filter((item) => String(item.pk).includes(leadId))).toEqual([]);
  });

  it('sends won and lost closes in one request, each to its own conversion action', async () => {
    const won = nextLeadId();
    const lost = nextLeadId();
    await wonClose(won);
    await storeLead(runtime.store, lost);
    await storeClose(runtime.store, closeInput(lost, { outcome: 'lost', value: 0, closureReason: 'price' }));

    await dispatchInline(runtime, [won, lost]);

    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(1);
    expect(platforms.dataManager.conversions.has(`${ACCOUNTS.won}|${won}`)).toBe(true);
    expect(platforms.dataManager.conversions.has(`${ACCOUNTS.lost}|${lost}`)).toBe(true);
    expect(platforms.dataManager.conversions.has(`${ACCOUNTS.won}|${lost}`)).toBe(false);
  });

  it('skips a lead without marketing consent, sending nothing', async () => {
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId, {
      consent: { analytics: true, personalization: true, marketing: false },
    });
    await storeClose(runtime.store, closeInput(leadId));

    await dispatchInline(runtime, [leadId]);

    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(0);
    expect(platforms.meta.requestsTo('events')).toHaveLength(0);
    const deliveries = await deliveriesOf(runtime, leadId);
    expect(deliveries['google-ads']?.status).toBe('skipped:consent');
    expect(deliveries.meta?.status).toBe('skipped:consent');
  });

  it('skips lost deals when no lost conversion action is configured', async () => {
    await platforms.close();
    await setUp({ lostAction: false });
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId, { outcome: 'lost', value: 0 }));

    await dispatchInline(runtime, [leadId]);

    expect((await deliveriesOf(runtime, leadId))['google-ads']?.status).toBe('skipped:lost_not_configured');
    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(0);
  });

  it('isolates a bad row the API names so the good rows still go through', async () => {
    const ids = [nextLeadId(), nextLeadId(), nextLeadId()];
    for (const id of ids) await wonClose(id);
    const bad = ids[1] as string;
    platforms.dataManager.rejectEvents((event) => event.transactionId === bad);

    await dispatchInline(runtime, ids);

    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(2);
    const deliveries = await Promise.all(ids.map((id) => deliveriesOf(runtime, id)));
    expect(deliveries.map((delivery) => delivery['google-ads']?.status)).toEqual([
      'accepted',
      'failed:invalid_format',
      'accepted',
    ]);
    expect(deliveries[1]?.['google-ads']?.lastError).toContain('event.ad_identifiers.gclid');
    expect(platforms.dataManager.conversions.has(`${ACCOUNTS.won}|${bad}`)).toBe(false);
  });

  it('halves a rejected batch when the API names no row, within a bounded number of requests', async () => {
    const ids = Array.from({ length: 8 }, nextLeadId);
    for (const id of ids) await wonClose(id);
    platforms.dataManager.rejectEvents((event) => event.transactionId === ids[5], { fieldPaths: false });

    await dispatchInline(runtime, ids);

    const statuses = await Promise.all(
      ids.map(async (id) => (await deliveriesOf(runtime, id))['google-ads']?.status),
    );
    expect(statuses.filter((status) => status === 'accepted')).toHaveLength(7);
    expect(statuses[5]).toBe('failed:invalid_argument');
    expect(platforms.dataManager.requestsTo('ingest').length).toBeLessThanOrEqual(1 + 2 * 3);
  });

  it('retries a 503 with back-off, and the backfill delivers it once the API is back', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.dataManager.failNext({
      status: 503,
      body: { error: { code: 503, status: 'UNAVAILABLE', message: 'down' } },
    });

    await dispatchInline(runtime, [leadId]);
    const retrying = (await deliveriesOf(runtime, leadId))['google-ads'];
    expect(retrying).toMatchObject({ status: 'retry', attempts: 1, lastErrorCode: 'UNAVAILABLE' });
    expect(retrying?.nextAttemptAt).toBe(T0 + 45_000);

    const early = await runBackfill(runtime);
    expect(early.requests['google-ads']).toBeUndefined();
    clock.advance(60_000);
    const summary = await runBackfill(runtime);

    expect(summary.deliveries['google-ads']).toEqual({ accepted: 1 });
    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'accepted',
      attempts: 2,
    });
    expect(platforms.dataManager.conversions.size).toBe(1);
  });

  it('honours Retry-After on 429', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.dataManager.failNext({
      status: 429,
      headers: { 'retry-after': '600' },
      body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } },
    });

    await dispatchInline(runtime, [leadId]);

    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'retry',
      nextAttemptAt: T0 + 600_000,
      lastErrorCode: 'RESOURCE_EXHAUSTED',
    });
  });

  it('gives up on a request that outlives the deadline and retries it later', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.dataManager.failNext({ status: 200, body: { requestId: 'late' }, delayMs: 5000 });

    await dispatchInline(runtime, [leadId], 1500);

    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'retry',
      lastErrorCode: 'timeout',
    });
  });

  it('caches the access token, and refreshes it once when the API answers 401', async () => {
    const first = nextLeadId();
    const second = nextLeadId();
    const third = nextLeadId();
    await wonClose(first);
    await wonClose(second);
    await wonClose(third);

    await dispatchInline(runtime, [first]);
    await dispatchInline(runtime, [second]);
    expect(platforms.oauth.issued).toHaveLength(1);

    platforms.oauth.expireAll();
    await dispatchInline(runtime, [third]);

    expect(platforms.oauth.issued).toHaveLength(2);
    const requests = platforms.dataManager.requestsTo('ingest');
    expect(requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer ya29.test-token-1',
      'Bearer ya29.test-token-1',
      'Bearer ya29.test-token-1',
      'Bearer ya29.test-token-2',
    ]);
    expect((await deliveriesOf(runtime, third))['google-ads']?.status).toBe('accepted');
  });

  it('refreshes the token shortly before it expires', async () => {
    const first = nextLeadId();
    const second = nextLeadId();
    await wonClose(first);
    await wonClose(second);
    await dispatchInline(runtime, [first]);
    clock.advance(3599_000 - 4 * 60_000);
    await dispatchInline(runtime, [second]);
    expect(platforms.oauth.issued).toHaveLength(2);
  });

  it('reports a revoked refresh token as a configuration error naming the variable', async () => {
    await platforms.close();
    await setUp({}, { GOOGLE_ADS_REFRESH_TOKEN: '1//revoked' });
    const leadId = nextLeadId();
    await wonClose(leadId);

    await dispatchInline(runtime, [leadId]);

    const delivery = (await deliveriesOf(runtime, leadId))['google-ads'];
    expect(delivery?.status).toBe('failed:oauth_invalid_grant');
    expect(delivery?.lastError).toContain('GOOGLE_ADS_REFRESH_TOKEN');
    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(0);
  });

  it('retries when the OAuth endpoint itself is down', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.oauth.failNext({ status: 503, body: { error: 'backend_error' } });

    await dispatchInline(runtime, [leadId]);

    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'retry',
      lastErrorCode: 'oauth_http_503',
    });
  });

  it('reports a refresh token without the datamanager scope as a configuration error, not a retry', async () => {
    const ids = [nextLeadId(), nextLeadId()];
    for (const id of ids) await wonClose(id);
    platforms.dataManager.requireScope(true);

    await dispatchInline(runtime, ids);

    const delivery = (await deliveriesOf(runtime, ids[0] as string))['google-ads'];
    expect(delivery?.status).toBe('failed:missing_datamanager_scope');
    expect(delivery?.lastError).toContain('https://www.googleapis.com/auth/datamanager');
    expect(delivery?.nextAttemptAt).toBeUndefined();
  });

  it('re-sends a re-valued deal with the same transactionId, which overwrites the value', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    await dispatchInline(runtime, [leadId]);

    clock.advance(DAY);
    await storeClose(
      runtime.store,
      closeInput(leadId, { value: 5200, sourceUpdatedAt: T0 + DAY }),
      clock.now(),
    );
    await dispatchInline(runtime, [leadId]);

    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(2);
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.won}|${leadId}`)?.event.conversionValue).toBe(
      5200,
    );
    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'accepted',
      subjectVersion: 2,
      delivered: { version: 2, value: 5200 },
    });
  });

  it('records that a won deal turned lost cannot be retracted through Data Manager', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    await dispatchInline(runtime, [leadId]);

    await storeClose(
      runtime.store,
      closeInput(leadId, { outcome: 'lost', value: 0, sourceUpdatedAt: T0 }),
      clock.now(),
    );
    await dispatchInline(runtime, [leadId]);

    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'skipped:retraction_unsupported',
      subjectVersion: 2,
      delivered: { version: 1, outcome: 'won' },
    });
  });

  it('in DRY_RUN builds and records the exact payloads and sends nothing; a live run then sends them', async () => {
    await platforms.close();
    await setUp({}, { DRY_RUN: 'true' });
    const leadId = nextLeadId();
    await wonClose(leadId);

    const summary = await dispatchInline(runtime, [leadId]);

    expect(platforms.oauth.requests).toHaveLength(0);
    expect(platforms.dataManager.requests).toHaveLength(0);
    expect(platforms.meta.requests).toHaveLength(0);
    expect(summary.deliveries).toEqual({
      'google-ads': { 'skipped:dry_run': 1 },
      meta: { 'skipped:dry_run': 1 },
    });
    const dry = await deliveriesOf(runtime, leadId);
    expect(dry['google-ads']?.payload).toMatchObject({
      method: 'POST',
      url: `${platforms.dataManager.baseUrl}/v1/events:ingest`,
      body: {
        destinations: [{ reference: 'won', productDestinationId: ACCOUNTS.won }],
        events: [{ transactionId: leadId, conversionValue: 4500 }],
        encoding: 'HEX',
      },
    });
    expect(JSON.stringify(dry.meta?.payload)).not.toContain(ACCOUNTS.metaToken);

    const live = createTestRuntime(table, platforms.env, { now: clock.now });
    await dispatchInline(live, [leadId]);
    expect(platforms.dataManager.conversions.has(`${ACCOUNTS.won}|${leadId}`)).toBe(true);
    expect((await deliveriesOf(live, leadId))['google-ads']?.status).toBe('accepted');
  });
});
