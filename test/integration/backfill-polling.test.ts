import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import type { Runtime } from '../../functions/runtime';
import { POLL_LAG_MS, POLL_OVERLAP_MS } from '../../lib/backfill/windows';
import { createMetricsRecorder, type MetricsRecorder } from '../../lib/observability/metrics';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { assertSummary, hubspotDeal, invokeBackfill, salesforceOpportunity } from '../support/backfill';
import { createClock, DAY, HOUR, MINUTE, T0, type TestClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { type FakeSalesforce, startFakeSalesforce } from '../support/fakes/salesforce';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { deliveriesOf } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createRecordingLogger } from '../support/recording-logger';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * The backfill's CRM polling against loopback HubSpot and Salesforce APIs: closes whose webhook never came
 * are found, recorded through the webhooks' own path and delivered once; checkpoints move only after a
 * window is fully recorded; HubSpot's 10,000-result cap and both CRMs' rate limits are handled.
 */
const iso = (ms: number) => new Date(ms).toISOString();

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let salesforce: FakeSalesforce;
let clock: TestClock;
let metrics: MetricsRecorder;
let published: { name: string; dimensions: Record<string, string>; value: number }[];
let log: ReturnType<typeof createRecordingLogger>;
/** When set, CRM API requests it matches are answered 500 before reaching the fake. */
let failCrmRequest: ((url: string, body: string) => boolean) | undefined;
/** Time each CRM API request takes on the test clock. */
let crmRequestMs = 0;
/** Called after each CRM API answer: lets a test change the CRM between two pages. */
let afterCrmRequest: ((url: string, body: string) => void) | undefined;

function crmEnv() {
  return {
    ...platforms.env,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    HUBSPOT_API_BASE_URL: hubspot.baseUrl,
    SALESFORCE_INSTANCE_URL: salesforce.baseUrl,
    SALESFORCE_ACCESS_TOKEN: salesforce.token,
  };
}

const crmFetch: typeof fetch = async (input, init) => {
  const url = String(input);
  if (url.startsWith(hubspot.baseUrl) || url.startsWith(salesforce.baseUrl)) {
    clock.advance(crmRequestMs);
    if (failCrmRequest?.(url, String(init?.body ?? ''))) {
      return new Response(JSON.stringify({ status: 'error', category: 'INTERNAL_ERROR' }), { status: 500 });
    }
    const response = await fetch(input, init);
    afterCrmRequest?.(url, String(init?.body ?? ''));
    return response;
  }
  return fetch(input, init);
};

function createRuntime(env: Record<string, string> = crmEnv()): Runtime {
  return createTestRuntime(table, env, { now: clock.now, fetch: crmFetch, metrics, logger: log.logger });
}

async function startCheckpoints(runtime: Runtime, until: number) {
  await runtime.store.putCheckpoint({ source: 'hubspot', until, updatedAt: until }, undefined);
  await runtime.store.putCheckpoint({ source: 'salesforce', until, updatedAt: until }, undefined);
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
  hubspot = await startFakeHubspot();
  salesforce = await startFakeSalesforce({ pageSize: 2 });
  published = [];
  metrics = createMetricsRecorder((name, dimensions, value) => published.push({ name, dimensions, value }));
  log = createRecordingLogger();
  failCrmRequest = undefined;
  crmRequestMs = 0;
  afterCrmRequest = undefined;
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  expect(hubspot.violations).toEqual([]);
  expect(salesforce.violations).toEqual([]);
  await Promise.all([platforms.close(), hubspot.close(), salesforce.close()]);
});

describe('HubSpot polling', () => {
  it('finds a close whose webhook was lost, records it like the webhook would, and delivers it once', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    await storeLead(runtime.store, 'lead-hs-lost');
    hubspot.deals.set('5001', hubspotDeal('lead-hs-lost', T0 - 30 * MINUTE));
    hubspot.associations.set('5001', ['901']);
    hubspot.contacts.set('901', { email: 'buyer@example.org', phone: '+14155550123' });
    // An open deal never seen closed is read and ignored.
    hubspot.deals.set(
      '5002',
      hubspotDeal('lead-open', T0 - 20 * MINUTE, {
        dealstage: 'contractsent',
        hs_is_closed: 'false',
        hs_is_closed_won: 'false',
      }),
    );

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary).toMatchObject({
      closesFound: { hubspot: 1, salesforce: 0 },
      closesRecorded: 1,
      deliveries: { 'google-ads': { accepted: 1 }, meta: { delivered: 1 } },
      more: false,
    });
    expect(summary.crm.hubspot).toMatchObject({
      status: 'done',
      range: { since: iso(T0 - HOUR - POLL_OVERLAP_MS), until: iso(T0 - POLL_LAG_MS) },
      checkpoint: iso(T0 - POLL_LAG_MS),
      // One search page, one associations read, one contacts read.
      requests: 3,
    });
    const close = await runtime.store.getClose('lead-hs-lost');
    expect(close).toMatchObject({ crm: 'hubspot', dealId: '5001', outcome: 'won', value: 4500 });
    expect(close?.contactIdentity?.google.emails).toHaveLength(1);
    expect(platforms.dataManager.conversions.has(`${ACCOUNTS.won}|lead-hs-lost`)).toBe(true);
    expect(platforms.meta.events.size).toBe(1);
    expect(countOf('ClosesRecorded', { crm: 'hubspot' })).toBe(1);

    // Polled again (a manual window over it): found, unchanged, nothing sent twice.
    clock.advance(15 * MINUTE);
    const again = assertSummary(await invokeBackfill(runtime, clock, { since: iso(T0 - HOUR) }));

    expect(again).toMatchObject({ closesFound: { hubspot: 1 }, closesRecorded: 0, deliveries: {} });
    expect(again.crm.hubspot.unchanged).toBe(1);
    expect((await runtime.store.getClose('lead-hs-lost'))?.version).toBe(1);
    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect(platforms.meta.eventsReceived).toBe(1);
  });

  it('leaves a close its webhook already recorded unchanged', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    const recorded = await storeClose(
      runtime.store,
      closeInput('lead-hooked', {
        dealId: '5003',
        closedAt: T0 - 31 * MINUTE,
        sourceUpdatedAt: T0 - 30 * MINUTE,
      }),
      T0 - 29 * MINUTE,
    );
    await runtime.store.markSubjectPlanned(recorded.subjectKey, recorded.version);
    hubspot.deals.set('5003', hubspotDeal('lead-hooked', T0 - 30 * MINUTE));

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary).toMatchObject({ closesFound: { hubspot: 1 }, closesRecorded: 0, deliveries: {} });
    expect((await runtime.store.getClose('lead-hooked'))?.version).toBe(1);
  });

  it('moves the checkpoint only past windows fully recorded, and resumes after a failure mid-window', async () => {
    const runtime = createRuntime();
    await storeLead(runtime.store, 'lead-early');
    await storeLead(runtime.store, 'lead-late');
    // No checkpoint: a week back, in 6-hour windows. One close early in the week, one in the last window.
    hubspot.deals.set('6001', hubspotDeal('lead-early', T0 - 6 * DAY - 3 * HOUR));
    hubspot.deals.set('6002', hubspotDeal('lead-late', T0 - HOUR));
    hubspot.associations.set('6002', ['902']);
    hubspot.contacts.set('902', { email: 'late@example.org' });
    // The last window's search page is read, then its enrichment fails (5xx on every retry).
    failCrmRequest = (url, body) => url.includes('/associations/') && body.includes('"6002"');

    const first = assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }));

    expect(first.crm.hubspot).toMatchObject({ status: 'partial', stoppedBy: 'http_500', recorded: 1 });
    expect(first.more).toBe(true);
    const checkpoint = await runtime.store.getCheckpoint('hubspot');
    expect(checkpoint?.until).toBeLessThanOrEqual(T0 - HOUR);
    expect(checkpoint?.until).toBeGreaterThan(T0 - 7 * HOUR);
    expect(await runtime.store.getClose('lead-late')).toBeUndefined();
    expect((await deliveriesOf(runtime, 'lead-early')).meta?.status).toBe('delivered');

    failCrmRequest = undefined;
    clock.advance(15 * MINUTE);
    const second = assertSummary(await invokeBackfill(runtime, clock, { source: 'schedule' }));

    expect(second.crm.hubspot).toMatchObject({ status: 'done', recorded: 1 });
    expect((await runtime.store.getCheckpoint('hubspot'))?.until).toBe(T0 + 15 * MINUTE - POLL_LAG_MS);
    expect((await deliveriesOf(runtime, 'lead-late')).meta?.status).toBe('delivered');
    expect(platforms.dataManager.conversions.size).toBe(2);
    expect(platforms.dataManager.eventsReceived).toBe(2);
    expect(platforms.meta.eventsReceived).toBe(2);
  });

  it('splits a window over the search result cap until every part fits, reading each deal once', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    hubspot.searchCap = 20;
    for (let index = 0; index < 45; index++) {
      hubspot.deals.set(
        String(7000 + index),
        hubspotDeal(`lead-cap-${index}`, T0 - 50 * MINUTE + index * MINUTE),
      );
    }

    const summary = assertSummary(
      await invokeBackfill(
        runtime,
        clock,
        { source: 'schedule' },
        { handler: { pollTuning: { hubspot: { searchIntervalMs: 0, resultCap: 20 } } } },
      ),
    );

    expect(summary.crm.hubspot).toMatchObject({ status: 'done', found: 45, recorded: 45 });
    expect(summary.crm.hubspot.truncated).toBeUndefined();
    const closes = (await scanTable(table)).filter((item) => item.type === 'close');
    expect(closes).toHaveLength(45);
    // Every search stayed within the cap (the fake records paging past it as a violation).
    expect(hubspot.requests.filter((request) => request.route === 'deals.search').length).toBeGreaterThan(3);
  });

  it('reads a window again when a deal left it while it was paged, so no deal slides past a page boundary', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    // 200 open deals fill the first page; the 5 closes come after them.
    for (let index = 0; index < 200; index++) {
      hubspot.deals.set(
        String(10_000 + index),
        hubspotDeal(`lead-open-${index}`, T0 - 50 * MINUTE + index * 10, {
          dealstage: 'contractsent',
          hs_is_closed: 'false',
          hs_is_closed_won: 'false',
        }),
      );
    }
    for (let index = 0; index < 5; index++) {
      hubspot.deals.set(String(20_000 + index), hubspotDeal(`lead-paged-${index}`, T0 - 10 * MINUTE + index));
    }
    // Once the first page is read, an open deal of the window is edited: it leaves the window, and the first
    // close slides from offset 200 to 199, onto the page already read.
    afterCrmRequest = (url, body) => {
      if (!url.endsWith('/deals/search') || body.includes('"after"')) return;
      const deal = hubspot.deals.get('10003');
      if (deal) deal.hs_lastmodifieddate = new Date(T0).toISOString();
      afterCrmRequest = undefined;
    };

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary.crm.hubspot).toMatchObject({ status: 'done', found: 5, recorded: 5 });
    const closes = (await scanTable(table)).filter((item) => item.type === 'close');
    expect(closes).toHaveLength(5);
  });

  it('reads a window that stays over the cap at its narrowest up to the cap, and says so', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    hubspot.searchCap = 20;
    for (let index = 0; index < 25; index++) {
      hubspot.deals.set(String(7100 + index), hubspotDeal(`lead-burst-${index}`, T0 - 30 * MINUTE));
    }

    const summary = assertSummary(
      await invokeBackfill(
        runtime,
        clock,
        { source: 'schedule' },
        { handler: { pollTuning: { hubspot: { searchIntervalMs: 0, resultCap: 20 } } } },
      ),
    );

    expect(summary.crm.hubspot).toMatchObject({ status: 'done', found: 20, truncated: 5 });
    expect(log.lines.some((line) => line.includes('over the result cap'))).toBe(true);
  });

  it("honours a 429's Retry-After, and stops for the run when the limit persists", async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    hubspot.deals.set('8001', hubspotDeal('lead-throttled', T0 - 30 * MINUTE));
    const rateLimited = {
      status: 429,
      headers: { 'retry-after': '2' },
      body: { status: 'error', category: 'RATE_LIMITS', message: 'You have reached your secondly limit.' },
    };
    hubspot.failNext(rateLimited, { route: 'deals.search' });
    const before = clock.now();

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    // The throttled search, its retry, and the deal's associations read.
    expect(summary.crm.hubspot).toMatchObject({ status: 'done', recorded: 1, requests: 3 });
    expect(clock.now() - before).toBeGreaterThanOrEqual(2000);

    // Throttled on every attempt: the run stops polling HubSpot, keeps its checkpoint, and still delivers.
    const checkpoint = (await runtime.store.getCheckpoint('hubspot'))?.until;
    hubspot.failNext(rateLimited, { route: 'deals.search', times: 3 });
    await storeLead(runtime.store, 'lead-due');
    await storeClose(runtime.store, closeInput('lead-due'), clock.now() - 2 * MINUTE);
    clock.advance(15 * MINUTE);

    const throttled = assertSummary(await invokeBackfill(runtime, clock));

    expect(throttled.crm.hubspot).toMatchObject({ status: 'failed', stoppedBy: 'rate_limited' });
    expect((await runtime.store.getCheckpoint('hubspot'))?.until).toBe(checkpoint);
    expect(throttled.deliveries).toEqual({ 'google-ads': { accepted: 1 }, meta: { delivered: 1 } });
    expect(throttled.more).toBe(true);
  });

  it('never moves the checkpoint backwards for a manual window, and moves it forward when the window continues it', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);

    const old = assertSummary(
      await invokeBackfill(runtime, clock, { since: iso(T0 - 3 * DAY), until: iso(T0 - 2 * DAY) }),
    );
    expect(old.crm.hubspot.checkpoint).toBe(iso(T0 - HOUR));
    expect((await runtime.store.getCheckpoint('hubspot'))?.until).toBe(T0 - HOUR);

    await invokeBackfill(runtime, clock, { since: iso(T0 - 2 * HOUR) });
    expect((await runtime.store.getCheckpoint('hubspot'))?.until).toBe(T0 - POLL_LAG_MS);
    expect((await runtime.store.getCheckpoint('salesforce'))?.until).toBe(T0 - POLL_LAG_MS);
  });

  it('resumes polling cut short by the time budget, without losing or repeating a close', async () => {
    const { SALESFORCE_INSTANCE_URL: _url, ...hubspotOnly } = crmEnv();
    const runtime = createRuntime(hubspotOnly);
    await storeLead(runtime.store, 'lead-week-start');
    await storeLead(runtime.store, 'lead-week-end');
    hubspot.deals.set('9001', hubspotDeal('lead-week-start', T0 - 6 * DAY - 20 * HOUR));
    hubspot.deals.set('9002', hubspotDeal('lead-week-end', T0 - 5 * HOUR));
    // Each CRM request takes 20 s: the polling half of a 15-minute run covers about two thirds of the week.
    crmRequestMs = 20_000;

    const first = assertSummary(await invokeBackfill(runtime, clock));

    expect(first.crm.hubspot).toMatchObject({ status: 'partial', stoppedBy: 'deadline', recorded: 1 });
    expect(first.more).toBe(true);
    expect(await runtime.store.getClose('lead-week-end')).toBeUndefined();

    clock.advance(15 * MINUTE);
    const second = assertSummary(await invokeBackfill(runtime, clock));

    expect(second.crm.hubspot).toMatchObject({ status: 'done', recorded: 1 });
    expect(second.more).toBe(false);
    expect((await deliveriesOf(runtime, 'lead-week-end')).meta?.status).toBe('delivered');
    expect(platforms.meta.eventsReceived).toBe(2);
    expect(platforms.dataManager.eventsReceived).toBe(2);
  });
});

describe('HubSpot deals deferred by a webhook during an API outage', () => {
  const SECRET = 'hubspot-secret-for-deferral';
  const BASE = 'https://hooks.example.com';

  async function postStageEvent(runtime: Runtime, eventId: number, dealId: string, occurredAt: number) {
    const api = await startLocalApi({ 'hubspot-webhook': createHubspotWebhookHandler(runtime) });
    try {
      const body = JSON.stringify([hubspotStageEvent(eventId, Number(dealId), 'closedwon', occurredAt)]);
      const headers = hubspotSignatureHeaders({
        clientSecret: SECRET,
        uri: `${BASE}/webhooks/hubspot`,
        body,
        timestamp: clock.now(),
      });
      const response = await fetch(`${api.baseUrl}/webhooks/hubspot`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    } finally {
      await api.close();
    }
  }

  it("records the deferred deal once HubSpot answers again, at the webhook's stage-change time, and delivers it once", async () => {
    const runtime = createRuntime({ ...crmEnv(), HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_BASE_URL: BASE });
    // The checkpoint is past the deal's change: only the deferral can bring it in.
    await startCheckpoints(runtime, T0);
    await storeLead(runtime.store, 'lead-hs-deferred');
    const stageAt = T0 - 10 * MINUTE;
    hubspot.deals.set('5101', hubspotDeal('lead-hs-deferred', stageAt - 5 * MINUTE));
    hubspot.associations.set('5101', ['911']);
    hubspot.contacts.set('911', { email: 'deferred@example.org' });

    failCrmRequest = (url) => url.startsWith(hubspot.baseUrl);
    const answer = await postStageEvent(runtime, 7001, '5101', stageAt);
    expect(answer).toEqual({
      status: 200,
      body: { received: 1, recorded: 0, duplicates: 0, ignored: 0, deferred: 1 },
    });
    expect(countOf('CrmDealsDeferred', { crm: 'hubspot' })).toBe(1);
    expect(await runtime.store.getClose('lead-hs-deferred')).toBeUndefined();

    // Still down at the next run: the deal stays deferred, the run says why and that work is left.
    clock.advance(15 * MINUTE);
    const down = assertSummary(await invokeBackfill(runtime, clock));
    expect(down.crm.hubspot.deferred).toEqual({ read: 1, resolved: 0, recorded: 0, stoppedBy: 'http_500' });
    expect(down.more).toBe(true);
    expect((await runtime.store.queryDeferredDeals({ now: clock.now(), limit: 10 })).deals).toHaveLength(1);

    failCrmRequest = undefined;
    clock.advance(15 * MINUTE);
    const up = assertSummary(await invokeBackfill(runtime, clock));
    expect(up.crm.hubspot.deferred).toEqual({ read: 1, resolved: 1, recorded: 1 });
    expect(up.deliveries).toMatchObject({ 'google-ads': { accepted: 1 }, meta: { delivered: 1 } });
    const close = await runtime.store.getClose('lead-hs-deferred');
    expect(close).toMatchObject({
      crm: 'hubspot',
      dealId: '5101',
      outcome: 'won',
      value: 4500,
      closedAt: stageAt,
    });
    expect(close?.contactIdentity?.google.emails).toHaveLength(1);
    expect(platforms.dataManager.conversions.has(`${ACCOUNTS.won}|lead-hs-deferred`)).toBe(true);
    expect(platforms.meta.events.size).toBe(1);
    // Resolved: out of the index, kept (with a TTL) for the record.
    expect((await runtime.store.queryDeferredDeals({ now: clock.now(), limit: 10 })).deals).toEqual([]);
    expect((await runtime.store.getDeferredDeals('hubspot', ['5101'])).get('5101')?.resolvedAt).toBeDefined();

    clock.advance(15 * MINUTE);
    const after = assertSummary(await invokeBackfill(runtime, clock));
    expect(after.crm.hubspot.deferred).toEqual({ read: 0, resolved: 0, recorded: 0 });
    expect(platforms.meta.events.size).toBe(1);
    expect(JSON.stringify(await scanTable(table))).not.toContain('deferred@example.org');
  });

  it('publishes CrmDealsDeferredOverdue each run: 0 until a deferred deal waits an hour, then its count, 0 once read', async () => {
    const runtime = createRuntime({ ...crmEnv(), HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_BASE_URL: BASE });
    await startCheckpoints(runtime, T0);
    hubspot.deals.set('5103', hubspotDeal('lead-hs-overdue', T0 - 20 * MINUTE));
    const overdue = () =>
      published.filter((entry) => entry.name === 'CrmDealsDeferredOverdue').map((entry) => entry.value);
    assertSummary(await invokeBackfill(runtime, clock));
    expect(overdue()).toEqual([0]);

    failCrmRequest = (url) => url.startsWith(hubspot.baseUrl);
    await postStageEvent(runtime, 7003, '5103', T0 - 10 * MINUTE);
    clock.advance(15 * MINUTE);
    published.length = 0;
    assertSummary(await invokeBackfill(runtime, clock));
    // Deferred a quarter of an hour ago: waiting, not overdue.
    expect(overdue()).toEqual([0]);

    clock.advance(HOUR);
    published.length = 0;
    assertSummary(await invokeBackfill(runtime, clock));
    expect(overdue()).toEqual([1]);
    expect(published).toContainEqual({
      name: 'CrmDealsDeferredOverdue',
      dimensions: { crm: 'hubspot' },
      value: 1,
    });

    failCrmRequest = undefined;
    clock.advance(15 * MINUTE);
    published.length = 0;
    assertSummary(await invokeBackfill(runtime, clock));
    expect(overdue()).toEqual([0]);
  });

  it('keeps a deal deferred again while the backfill read it due, so the newer change is read next run', async () => {
    const runtime = createRuntime({ ...crmEnv(), HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_BASE_URL: BASE });
    await startCheckpoints(runtime, T0);
    hubspot.deals.set('5102', hubspotDeal('lead-hs-twice', T0 - 20 * MINUTE));
    failCrmRequest = (url) => url.startsWith(hubspot.baseUrl);
    expect((await postStageEvent(runtime, 7002, '5102', T0 - 10 * MINUTE)).body).toMatchObject({
      deferred: 1,
    });
    failCrmRequest = undefined;
    clock.advance(15 * MINUTE);
    // A second webhook defers the deal again after the backfill read it and before it resolved it.
    let deferredAgain = false;
    afterCrmRequest = (url) => {
      if (deferredAgain || !url.includes('/crm/objects/2026-09/deals/batch/read')) return;
      deferredAgain = true;
      void runtime.store.getDeferredDeals('hubspot', ['5102']).then(async (found) => {
        const deal = found.get('5102');
        if (deal)
          await runtime.store.putDeferredDeal(
            { ...deal, revision: deal.revision + 1, events: 2 },
            deal.revision,
          );
      });
    };
    const first = assertSummary(await invokeBackfill(runtime, clock));
    expect(deferredAgain).toBe(true);
    expect(first.crm.hubspot.deferred).toMatchObject({ read: 1, resolved: 0, recorded: 1 });
    afterCrmRequest = undefined;
    clock.advance(15 * MINUTE);
    const second = assertSummary(await invokeBackfill(runtime, clock));
    expect(second.crm.hubspot.deferred).toMatchObject({ read: 1, resolved: 1, recorded: 0 });
    expect((await runtime.store.getClose('lead-hs-twice'))?.version).toBe(1);
  });
});

describe('Salesforce polling', () => {
  it('finds closed Opportunities whose message was lost, page by page, and delivers each once', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    for (const leadId of ['lead-sf-1', 'lead-sf-2', 'lead-sf-3']) await storeLead(runtime.store, leadId);
    salesforce.records.push(
      salesforceOpportunity('0065g00000PoLL1AAA', 'lead-sf-1', T0 - 40 * MINUTE),
      salesforceOpportunity('0065g00000PoLL2AAA', 'lead-sf-2', T0 - 30 * MINUTE, {
        StageName: 'Closed Lost',
        IsWon: false,
        Loss_Reason__c: 'Price',
      }),
      salesforceOpportunity('0065g00000PoLL3AAA', 'lead-sf-3', T0 - 20 * MINUTE),
      // Changed before the window: not this run's business.
      salesforceOpportunity('0065g00000PoLL4AAA', 'lead-sf-old', T0 - 5 * HOUR),
    );

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary.crm.salesforce).toMatchObject({ status: 'done', found: 3, recorded: 3, requests: 2 });
    expect(salesforce.queries[0]).toContain(`SystemModstamp < ${iso(T0 - POLL_LAG_MS).replace('.000', '')}`);
    expect(await runtime.store.getClose('lead-sf-2')).toMatchObject({
      crm: 'salesforce',
      outcome: 'lost',
      value: 0,
      closureReason: 'price',
    });
    expect(summary.deliveries).toEqual({ 'google-ads': { accepted: 3 }, meta: { delivered: 3 } });
    expect(platforms.meta.eventsReceived).toBe(3);

    clock.advance(15 * MINUTE);
    const again = assertSummary(await invokeBackfill(runtime, clock, { since: iso(T0 - HOUR) }));
    expect(again.crm.salesforce).toMatchObject({ found: 3, recorded: 0, unchanged: 3 });
    expect(platforms.meta.eventsReceived).toBe(3);
  });

  it('finds an Opportunity re-opened after its close was recorded, and records it as re-opened', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    await storeLead(runtime.store, 'lead-sf-reopen');
    salesforce.records.push(
      salesforceOpportunity('0065g00000ReOP1AAA', 'lead-sf-reopen', T0 - 40 * MINUTE),
      // Open and never seen closed: nothing to record.
      salesforceOpportunity('0065g00000OpEN1AAA', 'lead-sf-open', T0 - 30 * MINUTE, {
        StageName: 'Negotiation/Review',
        IsWon: false,
        IsClosed: false,
      }),
    );
    const first = assertSummary(await invokeBackfill(runtime, clock));
    expect(first.crm.salesforce).toMatchObject({ status: 'done', recorded: 1 });
    expect(platforms.meta.eventsReceived).toBe(1);

    clock.advance(15 * MINUTE);
    salesforce.records.splice(
      0,
      1,
      salesforceOpportunity('0065g00000ReOP1AAA', 'lead-sf-reopen', T0 + 5 * MINUTE, {
        StageName: 'Negotiation/Review',
        IsWon: false,
        IsClosed: false,
      }),
    );
    const second = assertSummary(await invokeBackfill(runtime, clock));

    expect(salesforce.queries.at(-1)).not.toMatch(/WHERE.*IsClosed/);
    expect(second.crm.salesforce).toMatchObject({ status: 'done', recorded: 1 });
    expect(await runtime.store.getClose('lead-sf-reopen')).toMatchObject({
      outcome: 'reopened',
      version: 2,
      previous: { outcome: 'won', value: 12000 },
    });
    expect(await runtime.store.getClose('lead-sf-open')).toBeUndefined();
    expect((await deliveriesOf(runtime, 'lead-sf-reopen')).meta).toMatchObject({
      status: 'skipped:retraction_unsupported',
    });
    expect(platforms.meta.eventsReceived).toBe(1);
  });

  it('reads CurrencyIsoCode in a multi-currency org, so a close its webhook recorded is found unchanged', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    const opportunity = salesforceOpportunity('0065g00000PoLL6AAA', 'lead-sf-gbp', T0 - 30 * MINUTE, {
      CurrencyIsoCode: 'GBP',
    });
    salesforce.records.push(opportunity);
    const recorded = await storeClose(
      runtime.store,
      closeInput('lead-sf-gbp', {
        crm: 'salesforce',
        dealId: '0065g00000PoLL6AAA',
        value: 12000,
        currency: 'GBP',
        sourceUpdatedAt: T0 - 30 * MINUTE,
      }),
      T0 - 29 * MINUTE,
    );
    await runtime.store.markSubjectPlanned(recorded.subjectKey, recorded.version);

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(salesforce.queries[0]).toContain('CurrencyIsoCode');
    expect(summary.crm.salesforce).toMatchObject({ found: 1, recorded: 0, unchanged: 1 });
    expect(await runtime.store.getClose('lead-sf-gbp')).toMatchObject({ version: 1, currency: 'GBP' });
  });

  it('leaves CurrencyIsoCode out once Salesforce says the org has no such field', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    await storeLead(runtime.store, 'lead-sf-usd');
    salesforce.records.push(salesforceOpportunity('0065g00000PoLL7AAA', 'lead-sf-usd', T0 - 30 * MINUTE));
    salesforce.failNext(
      {
        status: 400,
        body: [
          {
            message: "No such column 'CurrencyIsoCode' on entity 'Opportunity'.",
            errorCode: 'INVALID_FIELD',
          },
        ],
      },
      { route: 'query' },
    );

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary.crm.salesforce).toMatchObject({ status: 'done', recorded: 1, requests: 2 });
    expect(salesforce.queries.at(-1)).not.toContain('CurrencyIsoCode');
    expect(await runtime.store.getClose('lead-sf-usd')).toMatchObject({ currency: 'USD' });
  });

  it('stops on REQUEST_LIMIT_EXCEEDED and keeps the checkpoint for the next run', async () => {
    const runtime = createRuntime();
    await startCheckpoints(runtime, T0 - HOUR);
    salesforce.records.push(salesforceOpportunity('0065g00000PoLL5AAA', 'lead-sf-5', T0 - 30 * MINUTE));
    salesforce.failNext(
      {
        status: 403,
        body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      },
      { route: 'query', times: 3 },
    );

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary.crm.salesforce).toMatchObject({
      status: 'failed',
      stoppedBy: 'rate_limited',
      recorded: 0,
    });
    expect((await runtime.store.getCheckpoint('salesforce'))?.until).toBe(T0 - HOUR);

    clock.advance(15 * MINUTE);
    const next = assertSummary(await invokeBackfill(runtime, clock));
    expect(next.crm.salesforce).toMatchObject({ status: 'done', recorded: 1 });
  });
});
