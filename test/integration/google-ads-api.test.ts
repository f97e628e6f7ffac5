import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { createClock, DAY, HOUR, T0, type TestClock } from '../support/clock';
import { closeInput, GCLID, storeClose, storeLead } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline, runBackfill } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let sequence = 0;
const nextLeadId = () => `ads-lead-${++sequence}`;
const wonAction = `customers/${ACCOUNTS.customerId}/conversionActions/${ACCOUNTS.won}`;

async function setUp(options: { loginCustomerId?: boolean; developerToken?: string } = {}) {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now, uploadApi: 'ads', ...options });
  runtime = createTestRuntime(table, platforms.env, { now: clock.now });
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

describe('Google Ads API destination (legacy mode)', () => {
  it('uploads a click conversion with partial failure, without a developer token unless configured', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);

    await dispatchInline(runtime, [leadId]);

    const [request] = platforms.ads.requestsTo('conversions', 'adjustments');
    expect(request?.path).toBe(`/v26/customers/${ACCOUNTS.customerId}:uploadClickConversions`);
    expect(request?.headers['developer-token']).toBeUndefined();
    expect(request?.headers['login-customer-id']).toBeUndefined();
    expect(request?.body).toMatchObject({
      partialFailure: true,
      conversions: [
        {
          gclid: GCLID,
          conversionAction: wonAction,
          conversionDateTime: '2026-11-20 09:00:00+00:00',
          orderId: leadId,
          conversionValue: 4500,
          currencyCode: 'USD',
          consent: { adUserData: 'GRANTED' },
        },
      ],
    });
    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'delivered',
      platformResponseId: 'ads-request-1',
    });
  });

  it('sends login-customer-id and developer-token when configured', async () => {
    await platforms.close();
    await setUp({ loginCustomerId: true, developerToken: 'dev-token-123' });
    const leadId = nextLeadId();
    await wonClose(leadId);

    await dispatchInline(runtime, [leadId]);

    const [request] = platforms.ads.requestsTo('conversions', 'adjustments');
    expect(request?.headers['login-customer-id']).toBe(ACCOUNTS.loginCustomerId);
    expect(request?.headers['developer-token']).toBe('dev-token-123');
  });

  it('maps each row error back to its delivery by index', async () => {
    const ids = [nextLeadId(), nextLeadId(), nextLeadId(), nextLeadId()];
    for (const id of ids) await wonClose(id);
    platforms.ads.failRows((row) => row.orderId === ids[1], 'TOO_RECENT_CONVERSION_ACTION');
    platforms.ads.failRows((row) => row.orderId === ids[2], 'EXPIRED_EVENT');
    platforms.ads.failRows((row) => row.orderId === ids[3], 'ORDER_ID_ALREADY_IN_USE');

    await dispatchInline(runtime, ids);

    expect(platforms.ads.requestsTo('conversions', 'adjustments')).toHaveLength(1);
    const deliveries = await Promise.all(
      ids.map(async (id) => (await deliveriesOf(runtime, id))['google-ads']),
    );
    expect(deliveries.map((delivery) => delivery?.status)).toEqual([
      'delivered',
      'retry',
      'failed:expired_event',
      'delivered',
    ]);
    expect(deliveries[1]).toMatchObject({
      lastErrorCode: 'TOO_RECENT_CONVERSION_ACTION',
      nextAttemptAt: T0 + 6 * HOUR,
    });
  });

  it('counts an "already exists" answer for a replay as delivered', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.ads.delayNext(4000);

    await dispatchInline(runtime, [leadId], 1500);
    expect((await deliveriesOf(runtime, leadId))['google-ads']?.status).toBe('retry');
    clock.advance(HOUR);
    await runBackfill(runtime);

    expect((await deliveriesOf(runtime, leadId))['google-ads']?.status).toBe('delivered');
    expect(platforms.ads.conversions.size).toBe(1);
  });

  it('restates a re-valued deal, then retracts it when it turns lost', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    await dispatchInline(runtime, [leadId]);

    clock.advance(DAY);
    await storeClose(
      runtime.store,
      closeInput(leadId, { value: 6100, sourceUpdatedAt: T0 + DAY }),
      clock.now(),
    );
    await dispatchInline(runtime, [leadId]);
    const conversion = platforms.ads.conversions.get(`${wonAction}|${leadId}`);
    expect(conversion).toMatchObject({ value: 6100, retracted: false });
    expect(conversion?.adjustments[0]).toEqual({
      conversionAction: wonAction,
      adjustmentType: 'RESTATEMENT',
      adjustmentDateTime: '2026-11-21 10:00:00+00:00',
      orderId: leadId,
      restatementValue: { adjustedValue: 6100, currencyCode: 'USD' },
    });

    clock.advance(DAY);
    await storeClose(
      runtime.store,
      closeInput(leadId, { outcome: 'lost', value: 0, sourceUpdatedAt: T0 + 2 * DAY }),
      clock.now(),
    );
    await dispatchInline(runtime, [leadId]);

    expect(platforms.ads.conversions.get(`${wonAction}|${leadId}`)?.retracted).toBe(true);
    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'delivered',
      subjectVersion: 3,
      delivered: { version: 3, outcome: 'lost', retracted: true },
    });
    expect(
      platforms.ads.requestsTo('conversions', 'adjustments').map((request) => request.path.split(':')[1]),
    ).toEqual(['uploadClickConversions', 'uploadConversionAdjustments', 'uploadConversionAdjustments']);
  });

  it('retracts a re-opened deal', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    await dispatchInline(runtime, [leadId]);
    clock.advance(HOUR);
    await storeClose(
      runtime.store,
      closeInput(leadId, { outcome: 'reopened', value: 0, sourceUpdatedAt: T0 }),
      clock.now(),
    );

    await dispatchInline(runtime, [leadId]);

    expect(platforms.ads.conversions.get(`${wonAction}|${leadId}`)?.retracted).toBe(true);
  });

  it('refreshes an expired token once and retries', async () => {
    const first = nextLeadId();
    const second = nextLeadId();
    await wonClose(first);
    await wonClose(second);
    await dispatchInline(runtime, [first]);
    platforms.oauth.expireAll();

    await dispatchInline(runtime, [second]);

    expect(platforms.oauth.issued).toHaveLength(2);
    expect((await deliveriesOf(runtime, second))['google-ads']?.status).toBe('delivered');
  });

  it('reports a customer that is not allowlisted as a configuration error', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.ads.failNext({
      status: 400,
      body: {
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: 'The customer is not allowlisted.',
          details: [
            {
              '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
              errors: [{ errorCode: { conversionUploadError: 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE' } }],
            },
          ],
        },
      },
    });

    await dispatchInline(runtime, [leadId]);

    expect((await deliveriesOf(runtime, leadId))['google-ads']?.status).toBe(
      'failed:customer_not_allowlisted_for_this_feature',
    );
  });
});
