import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import type { Runtime } from '../../functions/runtime';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { hubspotDeal } from '../support/backfill';
import { createClock, MINUTE, T0, type TestClock } from '../support/clock';
import { storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { deliveriesOf, runBackfill } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * HubSpot deal merges, deletions and restores, from the webhook to every platform (Data Manager or the
 * legacy Google Ads API, Meta, GA4, TikTok): a merged deal keeps the one close of the deal that was
 * recorded and is never a second conversion, later events of either old ID land on that close; a deleted
 * deal's unsent deliveries are cancelled and its sent ones retracted where the platform can; a restore
 * puts the close back.
 */
const SECRET = 'hubspot-client-secret-lifecycle';
const BASE = 'https://hooks.example.com';

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let clock: TestClock;
let runtime: Runtime;
let api: Awaited<ReturnType<typeof startLocalApi>> | undefined;
let nextEventId = 1;

async function start(options: { uploadApi?: 'datamanager' | 'ads'; apiAccess?: boolean } = {}) {
  platforms = await startPlatforms({
    now: clock.now,
    extended: true,
    uploadApi: options.uploadApi ?? 'datamanager',
  });
  runtime = createTestRuntime(
    table,
    {
      ...platforms.env,
      HUBSPOT_CLIENT_SECRET: SECRET,
      PUBLIC_BASE_URL: BASE,
      ...(options.apiAccess === false
        ? {}
        : { HUBSPOT_ACCESS_TOKEN: hubspot.token, HUBSPOT_API_BASE_URL: hubspot.baseUrl }),
    },
    { now: clock.now },
  );
  api = await startLocalApi({ 'hubspot-webhook': createHubspotWebhookHandler(runtime) });
}

async function post(events: unknown[]) {
  const body = JSON.stringify(events);
  const headers = hubspotSignatureHeaders({
    clientSecret: SECRET,
    uri: `${BASE}/webhooks/hubspot`,
    body,
    timestamp: clock.now(),
  });
  const response = await fetch(`${api?.baseUrl}/webhooks/hubspot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function stage(dealId: string, value: string, at: number) {
  return hubspotStageEvent(nextEventId++, Number(dealId), value, at);
}

/** A `deal.merge` as HubSpot sends it: the primary, the deals merged into it, the deal created. */
function merge(primary: string, merged: string[], created: string, at: number) {
  return {
    eventId: nextEventId++,
    subscriptionId: 4322,
    portalId: 62515,
    appId: 54321,
    occurredAt: at,
    subscriptionType: 'deal.merge',
    attemptNumber: 0,
    objectId: Number(created),
    primaryObjectId: Number(primary),
    mergedObjectIds: merged.map(Number),
    newObjectId: Number(created),
    numberOfPropertiesMoved: 12,
    changeSource: 'CRM_UI',
  };
}

/** `object.deletion` / `object.restore` on a deal (type 0-3), as the developer-platform app subscribes them. */
function lifecycle(action: 'deletion' | 'restore', dealId: string, at: number) {
  return {
    eventId: nextEventId++,
    subscriptionId: 4323,
    portalId: 62515,
    appId: 54321,
    occurredAt: at,
    subscriptionType: `object.${action}`,
    objectTypeId: '0-3',
    attemptNumber: 0,
    objectId: Number(dealId),
    changeSource: 'CRM_UI',
  };
}

/** How many conversions each platform holds for these subject keys (what it would count). */
function held(...keys: string[]) {
  const inKeys = (value: unknown) => keys.includes(String(value));
  return {
    dataManager: [...platforms.dataManager.conversions.values()].filter((c) => inKeys(c.event.transactionId))
      .length,
    ads: [...platforms.ads.conversions.values()].filter((c) => inKeys(c.orderId) && !c.retracted).length,
    meta: [...platforms.meta.events.values()].filter((e) => inKeys(e.event_id)).length,
    ga4: platforms.ga4.events.filter((e) =>
      inKeys((e.event.params as Record<string, unknown>).transaction_id),
    ).length,
    tiktok: [...platforms.tiktok.events.values()].filter((e) => inKeys(e.event_id)).length,
  };
}

/** A lead with every click ID the platforms use, GA4's client ID (`_ga`) among them. */
function storeLeadWithGa(leadId: string) {
  return storeLead(runtime.store, leadId, { clickIds: { _ga: 'GA1.1.1111111111.1762092300' } });
}

async function closeKeys(): Promise<string[]> {
  return (await scanTable(table))
    .filter((item) => item.type === 'close')
    .map((item) => String(item.closeKey))
    .sort();
}

async function statuses(subjectKey: string): Promise<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(await deliveriesOf(runtime, subjectKey)).map(([name, delivery]) => [
      name,
      delivery.status,
    ]),
  );
}

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  hubspot = await startFakeHubspot();
  nextEventId = 1;
});

afterEach(async () => {
  await api?.close();
  api = undefined;
  expect(platforms.violations()).toEqual([]);
  expect(hubspot.violations).toEqual([]);
  await Promise.all([platforms.close(), hubspot.close()]);
});

describe('a merged deal', () => {
  it('keeps the close of the deal that was recorded: no second conversion anywhere, and either old ID lands there', async () => {
    await start();
    await storeLeadWithGa('lead-merge-1');
    hubspot.deals.set('701', hubspotDeal('lead-merge-1', T0 - 30 * MINUTE));
    hubspot.deals.set(
      '702',
      hubspotDeal('lead-merge-2', T0 - 30 * MINUTE, {
        dealstage: 'contractsent',
        hs_is_closed: 'false',
        hs_is_closed_won: 'false',
      }),
    );
    expect((await post([stage('701', 'closedwon', T0 - 20 * MINUTE)])).status).toBe(200);
    expect(held('lead-merge-1')).toEqual({ dataManager: 1, ads: 0, meta: 1, ga4: 1, tiktok: 1 });

    // The rep merges the open duplicate into the won deal: HubSpot creates deal 703 from both.
    hubspot.mergeDeals(['701', '702'], '703', hubspotDeal('lead-merge-1', T0 - 5 * MINUTE));
    const merged = await post([merge('701', ['702'], '703', T0 - 5 * MINUTE)]);

    expect(merged).toMatchObject({ status: 200, body: { received: 1, duplicates: 0 } });
    expect(await closeKeys()).toEqual(['lead-merge-1']);
    expect(await runtime.store.getDealPointers('hubspot', ['701', '702', '703'])).toEqual(
      new Map([
        ['701', 'lead-merge-1'],
        ['702', 'lead-merge-1'],
        ['703', 'lead-merge-1'],
      ]),
    );
    expect(held('lead-merge-1', 'lead-merge-2')).toEqual({
      dataManager: 1,
      ads: 0,
      meta: 1,
      ga4: 1,
      tiktok: 1,
    });

    // Later news of the merged deal and late events of both old IDs: the one close, re-valued once.
    hubspot.deals.set('703', hubspotDeal('lead-merge-1', T0 - MINUTE, { amount: '6000.00' }));
    await post([
      stage('702', 'closedwon', T0 - 25 * MINUTE),
      stage('701', 'closedwon', T0 - 20 * MINUTE),
      { ...stage('703', '6000.00', T0 - MINUTE), propertyName: 'amount' },
    ]);
    await runBackfill(runtime);

    expect(await closeKeys()).toEqual(['lead-merge-1']);
    expect(await runtime.store.getClose('lead-merge-1')).toMatchObject({
      dealId: '703',
      value: 6000,
      version: 2,
    });
    expect(held('lead-merge-1', 'lead-merge-2')).toEqual({
      dataManager: 1,
      ads: 0,
      meta: 1,
      ga4: 1,
      tiktok: 1,
    });
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.won}|lead-merge-1`)?.event.conversionValue).toBe(
      6000,
    );
  });

  it('of two recorded deals keeps the primary one and takes the duplicate back (retracted on the Google Ads API)', async () => {
    await start({ uploadApi: 'ads' });
    await storeLeadWithGa('lead-dup-1');
    await storeLeadWithGa('lead-dup-2');
    hubspot.deals.set('711', hubspotDeal('lead-dup-1', T0 - 30 * MINUTE));
    hubspot.deals.set('712', hubspotDeal('lead-dup-2', T0 - 30 * MINUTE));
    await post([stage('711', 'closedwon', T0 - 20 * MINUTE), stage('712', 'closedwon', T0 - 19 * MINUTE)]);
    expect(held('lead-dup-1', 'lead-dup-2')).toMatchObject({ ads: 2, meta: 2, ga4: 2, tiktok: 2 });

    hubspot.mergeDeals(['711', '712'], '713');
    await post([merge('711', ['712'], '713', T0 - 5 * MINUTE)]);

    expect(await runtime.store.getClose('lead-dup-1')).toMatchObject({ outcome: 'won', version: 1 });
    expect(await runtime.store.getClose('lead-dup-2')).toMatchObject({ outcome: 'deleted', version: 2 });
    expect(await statuses('lead-dup-2')).toEqual({
      'google-ads': 'delivered',
      meta: 'skipped:deleted_after_upload',
      ga4: 'skipped:deleted_after_upload',
      tiktok: 'skipped:deleted_after_upload',
    });
    expect(
      platforms.ads.conversions.get(
        `customers/${ACCOUNTS.customerId}/conversionActions/${ACCOUNTS.won}|lead-dup-2`,
      ),
    ).toMatchObject({
      retracted: true,
    });
    expect(held('lead-dup-1', 'lead-dup-2').ads).toBe(1);
    expect(await runtime.store.getDealPointers('hubspot', ['712'])).toEqual(new Map([['712', 'lead-dup-1']]));
  });

  it('without API access follows the merge through the pointers and sets the old IDs’ late events aside', async () => {
    await start({ apiAccess: false });
    await post([stage('721', 'closedwon', T0 - 20 * MINUTE)]);
    const before = await closeKeys();
    expect(before).toEqual(['hubspot-deal:721']);

    await post([merge('721', ['722'], '723', T0 - 5 * MINUTE)]);
    // A late event of the merged-away deal, from before the merge: the merged deal's state supersedes it.
    await post([stage('722', 'closedlost', T0 - 15 * MINUTE)]);

    expect(await closeKeys()).toEqual(before);
    expect(await runtime.store.getClose('hubspot-deal:721')).toMatchObject({ outcome: 'won', version: 1 });
    expect(await runtime.store.getDealPointers('hubspot', ['722', '723'])).toEqual(
      new Map([
        ['722', before[0]],
        ['723', before[0]],
      ]),
    );
  });
});

describe('a deleted deal', () => {
  it('before its upload: every delivery is cancelled, nothing reaches a platform, and a restore sends it once', async () => {
    await start();
    hubspot.deals.set('801', hubspotDeal('lead-del-early', T0 - 30 * MINUTE));
    // The lead has not arrived: the deliveries wait for it.
    await post([stage('801', 'closedwon', T0 - 20 * MINUTE)]);
    expect(Object.values(await statuses('lead-del-early'))).toEqual(Array(4).fill('waiting_for_lead'));

    hubspot.deals.delete('801');
    const deleted = await post([lifecycle('deletion', '801', T0 - 10 * MINUTE)]);

    expect(deleted).toMatchObject({ status: 200, body: { recorded: 1 } });
    expect(await runtime.store.getClose('lead-del-early')).toMatchObject({ outcome: 'deleted', value: 0 });
    expect(Object.values(await statuses('lead-del-early'))).toEqual(Array(4).fill('skipped:deleted'));
    await storeLeadWithGa('lead-del-early');
    await runBackfill(runtime);
    expect(held('lead-del-early')).toEqual({ dataManager: 0, ads: 0, meta: 0, ga4: 0, tiktok: 0 });

    hubspot.deals.set('801', hubspotDeal('lead-del-early', T0 - 5 * MINUTE));
    await post([lifecycle('restore', '801', T0 - 5 * MINUTE)]);

    expect(await runtime.store.getClose('lead-del-early')).toMatchObject({ outcome: 'won', version: 3 });
    // Data Manager took it (`accepted`: its processing result comes with a later backfill).
    expect(await statuses('lead-del-early')).toEqual({
      'google-ads': 'accepted',
      meta: 'delivered',
      ga4: 'delivered',
      tiktok: 'delivered',
    });
    expect(held('lead-del-early')).toEqual({ dataManager: 1, ads: 0, meta: 1, ga4: 1, tiktok: 1 });
  });

  it('after its upload: retracted through the Google Ads API, marked deleted after upload elsewhere; a restore adds nothing', async () => {
    await start({ uploadApi: 'ads' });
    await storeLeadWithGa('lead-del-late');
    hubspot.deals.set('811', hubspotDeal('lead-del-late', T0 - 30 * MINUTE));
    await post([stage('811', 'closedwon', T0 - 20 * MINUTE)]);
    expect(held('lead-del-late')).toEqual({ dataManager: 0, ads: 1, meta: 1, ga4: 1, tiktok: 1 });

    hubspot.deals.delete('811');
    await post([lifecycle('deletion', '811', T0 - 10 * MINUTE)]);

    expect(await statuses('lead-del-late')).toEqual({
      'google-ads': 'delivered',
      meta: 'skipped:deleted_after_upload',
      ga4: 'skipped:deleted_after_upload',
      tiktok: 'skipped:deleted_after_upload',
    });
    expect((await deliveriesOf(runtime, 'lead-del-late'))['google-ads']?.delivered).toMatchObject({
      outcome: 'deleted',
      retracted: true,
    });
    expect(
      platforms.ads.conversions.get(
        `customers/${ACCOUNTS.customerId}/conversionActions/${ACCOUNTS.won}|lead-del-late`,
      )?.adjustments,
    ).toEqual([expect.objectContaining({ adjustmentType: 'RETRACTION', orderId: 'lead-del-late' })]);

    // A late stage event from before the deletion changes nothing; the restore puts the close back.
    await post([stage('811', 'closedwon', T0 - 15 * MINUTE)]);
    expect(await runtime.store.getClose('lead-del-late')).toMatchObject({ outcome: 'deleted' });
    hubspot.deals.set('811', hubspotDeal('lead-del-late', T0 - 5 * MINUTE));
    await post([lifecycle('restore', '811', T0 - 5 * MINUTE)]);

    expect(await runtime.store.getClose('lead-del-late')).toMatchObject({ outcome: 'won', version: 3 });
    expect(await statuses('lead-del-late')).toEqual({
      'google-ads': 'skipped:previously_retracted',
      meta: 'skipped:unchanged',
      ga4: 'skipped:unchanged',
      tiktok: 'skipped:unchanged',
    });
    expect(held('lead-del-late')).toEqual({ dataManager: 0, ads: 0, meta: 1, ga4: 1, tiktok: 1 });
    expect(platforms.meta.eventsReceived).toBe(1);
  });

  it('ignores a deletion older than the restore that came first, and a deletion of a merged-away ID', async () => {
    await start({ apiAccess: false });
    await post([stage('821', 'closedwon', T0 - 20 * MINUTE)]);
    await post([lifecycle('restore', '821', T0 - 5 * MINUTE)]);
    await post([lifecycle('deletion', '821', T0 - 10 * MINUTE)]);
    expect(await runtime.store.getClose('hubspot-deal:821')).toMatchObject({ outcome: 'won', version: 1 });

    await post([merge('823', ['821'], '824', T0 - 4 * MINUTE)]);
    await post([lifecycle('deletion', '821', T0 - 3 * MINUTE)]);
    expect(await runtime.store.getClose('hubspot-deal:821')).toMatchObject({ outcome: 'won', version: 1 });
    // The merged deal itself is the close now: its deletion takes the close back.
    await post([lifecycle('deletion', '824', T0 - 2 * MINUTE)]);
    expect(await runtime.store.getClose('hubspot-deal:821')).toMatchObject({
      outcome: 'deleted',
      version: 2,
    });
  });
});
