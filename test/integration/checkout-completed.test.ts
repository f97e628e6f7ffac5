import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import type { Runtime } from '../../functions/runtime';
import type { HttpResult } from '../../lib/http/request';
import { createLambdaContext } from '../../local/lambda-context';
import { createClock, HOUR, T0, type TestClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { stringsIn } from '../support/fakes/contract';
import { collectEvent } from '../support/http-event';
import { checkoutWithBrowserBody, readOrder } from '../support/orders';
import { deliveriesOf, runBackfill } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createRecordingLogger } from '../support/recording-logger';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * checkout_completed end to end: collect → ORDER# → one delivery per destination through the same pipeline
 * as closes (inline dispatch, statuses, retries, backfill, DRY_RUN), against the loopback fakes of Google
 * Data Manager, the Ads API, Meta, GA4 and TikTok, which check every request against their contracts.
 */
const SEED_PLAINTEXT = [
  'customer@example.com',
  'Example First Name',
  'Example Last Name',
  '123 Sample Street',
];

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now, extended: true });
  runtime = createTestRuntime(table, platforms.env, { now: clock.now });
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function collect(body: unknown, on: Runtime = runtime) {
  const result = (await createCollectHandler(on)(
    collectEvent(body),
    createLambdaContext('collect'),
  )) as HttpResult;
  return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
}

/** Requests every fake has received, by platform. */
function requestCounts() {
  return {
    dataManager: platforms.dataManager.requestsTo('ingest').length,
    meta: platforms.meta.requestsTo('events').length,
    ga4: platforms.ga4.requestsTo('collect').length,
    tiktok: platforms.tiktok.requestsTo('track').length,
  };
}

const ORDER_KEY = 'order:ord_abc123';

describe('POST /v1/events with checkout_completed', () => {
  it('stores the order and sends one event to each destination, recorded as delivered', async () => {
    const answer = await collect(checkoutWithBrowserBody());

    expect(answer).toEqual({ status: 202, body: { accepted: ['ord_abc123'] } });
    expect(requestCounts()).toEqual({ dataManager: 1, meta: 1, ga4: 1, tiktok: 1 });
    const stored = platforms.dataManager.conversions.get(`${ACCOUNTS.purchase}|ord_abc123`)?.event;
    expect(stored).toMatchObject({
      transactionId: 'ord_abc123',
      conversionValue: 134.97,
      cartData: { merchantId: '7654321' },
    });
    expect(platforms.meta.events.get('Purchase|ord_abc123')).toMatchObject({ action_source: 'website' });
    expect(platforms.ga4.events.map(({ event }) => event.name)).toEqual(['purchase']);
    expect(platforms.tiktok.events.get('Purchase|ord_abc123')).toMatchObject({ event_source: 'web' });

    const deliveries = await deliveriesOf(runtime, ORDER_KEY);
    expect(Object.fromEntries(Object.entries(deliveries).map(([name, d]) => [name, d.status]))).toEqual({
      'google-ads': 'accepted',
      meta: 'delivered',
      ga4: 'delivered',
      tiktok: 'delivered',
    });
    expect(deliveries.tiktok?.platformResponseId).toMatch(/^tt-request-/);
    expect(await readOrder(table.store, 'ord_abc123')).toMatchObject({ planned: true });
  });

  it('drops a repeated event.id silently: 202, named a duplicate, nothing new sent or stored', async () => {
    await collect(checkoutWithBrowserBody());
    const before = requestCounts();
    const items = (await scanTable(table)).length;

    clock.advance(HOUR);
    const again = await collect(checkoutWithBrowserBody());

    expect(again).toEqual({ status: 202, body: { accepted: ['ord_abc123'], duplicates: ['ord_abc123'] } });
    expect(requestCounts()).toEqual(before);
    expect((await scanTable(table)).length).toBe(items);
    await runBackfill(runtime);
    expect(requestCounts()).toEqual(before);
  });

  it('ten concurrent pushes of one order: one order, one event per destination', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => collect(checkoutWithBrowserBody({ id: 'ord_race' }))),
    );

    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    expect(answers.filter((answer) => answer.body.duplicates)).toHaveLength(9);
    expect(requestCounts()).toEqual({ dataManager: 1, meta: 1, ga4: 1, tiktok: 1 });
    const orders = (await scanTable(table)).filter((item) => item.type === 'order');
    expect(orders).toHaveLength(1);
  });

  it('marketing consent false: nothing to Google, Meta or TikTok; GA4 measures with ad signals denied', async () => {
    const body = {
      ...checkoutWithBrowserBody(),
      consent: { analytics: true, personalization: true, marketing: false },
    };

    await collect(body);

    expect(requestCounts()).toEqual({ dataManager: 0, meta: 0, ga4: 1, tiktok: 0 });
    expect(platforms.ga4.events[0]?.consent).toEqual({
      ad_user_data: 'DENIED',
      ad_personalization: 'DENIED',
    });
    const deliveries = await deliveriesOf(runtime, ORDER_KEY);
    expect(deliveries['google-ads']?.status).toBe('skipped:consent');
    expect(deliveries.meta?.status).toBe('skipped:consent');
    expect(deliveries.tiktok?.status).toBe('skipped:consent');
  });

  it('refuses a pending payment with 400, writing and sending nothing', async () => {
    const body = checkoutWithBrowserBody();
    const pending = { ...body, event: { ...body.event, properties: { payment_status: 'awaiting_payment' } } };

    const answer = await collect(pending);

    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      {
        field: 'event.properties.payment_status',
        message: expect.stringContaining('once the order is paid'),
      },
    ]);
    expect(await scanTable(table)).toEqual([]);
    expect(requestCounts()).toEqual({ dataManager: 0, meta: 0, ga4: 0, tiktok: 0 });
  });

  it('an order older than 72 hours reaches Google, Meta and TikTok but is skipped:expired for GA4', async () => {
    await collect(checkoutWithBrowserBody({ timestamp: T0 - 73 * HOUR }));

    const deliveries = await deliveriesOf(runtime, ORDER_KEY);
    expect(deliveries.ga4?.status).toBe('skipped:expired');
    expect(deliveries.meta?.status).toBe('delivered');
    expect(platforms.ga4.requestsTo('collect')).toHaveLength(0);
  });

  it('retries what failed (GA4 5xx, TikTok rate limit) through the backfill, once each', async () => {
    platforms.ga4.failNext({ status: 503 });
    platforms.tiktok.failNext(platforms.tiktok.errorReply(40100, { message: 'Too many requests' }));

    await collect(checkoutWithBrowserBody());

    const first = await deliveriesOf(runtime, ORDER_KEY);
    expect(first.ga4).toMatchObject({ status: 'retry', lastErrorCode: 'HTTP_503', attempts: 1 });
    expect(first.tiktok).toMatchObject({ status: 'retry', lastErrorCode: '40100', attempts: 1 });
    expect((first.tiktok?.nextAttemptAt ?? 0) - T0).toBeGreaterThanOrEqual(60_000);

    clock.advance(10 * 60_000);
    const summary = await runBackfill(runtime);

    expect(summary.deliveries).toEqual({ ga4: { delivered: 1 }, tiktok: { delivered: 1 } });
    expect(platforms.ga4.events).toHaveLength(1);
    expect(platforms.tiktok.events.size).toBe(1);
    expect(platforms.meta.requestsTo('events')).toHaveLength(1);
  });

  it('a refused TikTok token fails the delivery as a configuration error naming the variable', async () => {
    platforms.tiktok.failNext(platforms.tiktok.errorReply(40105, { message: 'Access token is incorrect' }));

    await collect(checkoutWithBrowserBody());

    expect((await deliveriesOf(runtime, ORDER_KEY)).tiktok).toMatchObject({
      status: 'failed:token_invalid',
      lastError: expect.stringContaining('TIKTOK_ACCESS_TOKEN'),
    });
  });

  it('the backfill delivers an order the inline dispatch never reached, in full batches with closes', async () => {
    // A runtime without destinations: the order is recorded and stays in the due index.
    const recordOnly = createTestRuntime(table, platforms.env, { now: clock.now, destinations: [] });
    await collect(checkoutWithBrowserBody(), recordOnly);
    await storeLead(runtime.store, 'lead-batch', {
      clickIds: { _ga: 'GA1.1.42.1762092300', ttclid: 'E.C.P.lead' },
    });
    await storeClose(runtime.store, closeInput('lead-batch', { crm: 'api' }));
    expect(requestCounts()).toEqual({ dataManager: 0, meta: 0, ga4: 0, tiktok: 0 });

    clock.advance(5 * 60_000);
    await runBackfill(runtime);

    // One Data Manager request (won + purchase destinations) and one Meta request for the close and the order.
    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(1);
    const [ingest] = platforms.dataManager.requestsTo('ingest');
    expect((ingest?.body as { events?: unknown[] } | undefined)?.events).toHaveLength(2);
    expect(platforms.meta.requestsTo('events')).toHaveLength(1);
    const [metaRequest] = platforms.meta.requestsTo('events');
    expect((metaRequest?.body as { data?: unknown[] } | undefined)?.data).toHaveLength(2);
    // TikTok: event_source belongs to the request, so the close (crm) and the order (web) go separately.
    expect(
      platforms.tiktok
        .requestsTo('track')
        .map((request) => (request.body as { event_source: string }).event_source)
        .sort(),
    ).toEqual(['crm', 'web']);
    // GA4: client_id belongs to the request; two visitors, two requests.
    expect(platforms.ga4.requestsTo('collect')).toHaveLength(2);
    expect((await deliveriesOf(runtime, ORDER_KEY)).ga4?.status).toBe('delivered');
    expect((await deliveriesOf(runtime, 'lead-batch')).ga4?.status).toBe('delivered');
  });

  it('DRY_RUN records each destination’s exact request, without secrets, and sends nothing', async () => {
    const dryRun = createTestRuntime(table, { ...platforms.env, DRY_RUN: 'true' }, { now: clock.now });

    await collect(checkoutWithBrowserBody(), dryRun);

    expect(requestCounts()).toEqual({ dataManager: 0, meta: 0, ga4: 0, tiktok: 0 });
    const deliveries = await deliveriesOf(dryRun, ORDER_KEY);
    for (const delivery of Object.values(deliveries)) expect(delivery.status).toBe('skipped:dry_run');
    expect(deliveries.ga4?.payload).toMatchObject({
      url: `${platforms.ga4.baseUrl}/mp/collect?measurement_id=${ACCOUNTS.ga4MeasurementId}`,
      body: { client_id: '1234567890.1762092300', events: [{ name: 'purchase' }] },
    });
    expect(deliveries.tiktok?.payload).toMatchObject({
      url: `${platforms.tiktok.baseUrl}/open_api/v1.3/event/track/`,
      body: { event_source: 'web', event_source_id: ACCOUNTS.tiktokPixel, data: [{ event: 'Purchase' }] },
    });
    const recorded = JSON.stringify(deliveries);
    expect(recorded).not.toContain(ACCOUNTS.ga4ApiSecret);
    expect(recorded).not.toContain(ACCOUNTS.tiktokToken);
  });

  it('legacy Ads API mode uploads the order as a click conversion with cart data', async () => {
    const legacy = await startPlatforms({ now: clock.now, extended: true, uploadApi: 'ads' });
    try {
      const ads = createTestRuntime(table, legacy.env, { now: clock.now });
      await collect(checkoutWithBrowserBody({ id: 'ord_legacy' }), ads);

      expect((await deliveriesOf(ads, 'order:ord_legacy'))['google-ads']?.status).toBe('delivered');
      const body = legacy.ads.requests[legacy.ads.requests.length - 1]?.body as {
        conversions: Record<string, unknown>[];
      };
      expect(body.conversions[0]).toMatchObject({
        orderId: 'ord_legacy',
        cartData: { merchantId: '7654321' },
      });
      expect(legacy.violations()).toEqual([]);
    } finally {
      await legacy.close();
    }
  });

  it('no plaintext identifier in any request body, stored item or log line', async () => {
    const { logger, lines } = createRecordingLogger();
    const logged = createTestRuntime(table, platforms.env, { now: clock.now, logger });
    platforms.tiktok.failNext(
      platforms.tiktok.errorReply(40700, { message: 'Bad email customer@example.com' }),
    );
    await collect(checkoutWithBrowserBody(), logged);
    await collect({ ...checkoutWithBrowserBody({ id: 'ord_2' }), consent: undefined }, logged);

    const bodies = [
      ...platforms.dataManager.requests,
      ...platforms.meta.requests,
      ...platforms.ga4.requests,
      ...platforms.tiktok.requests,
    ].map((request) => request.rawBody);
    expect(bodies.length).toBeGreaterThan(0);
    const stored = JSON.stringify(await scanTable(table));
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [...bodies, stored, ...lines]) {
      for (const plaintext of SEED_PLAINTEXT) expect(text).not.toContain(plaintext);
    }
    expect(stringsIn(await scanTable(table)).some(({ value }) => value.includes('@'))).toBe(false);
  });
});
