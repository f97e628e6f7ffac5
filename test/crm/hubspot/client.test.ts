import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubspotClient, type HubspotClient } from '../../../lib/crm/hubspot/client';
import { ConfigurationError, RetryableError } from '../../../lib/errors';
import { createClock, type TestClock } from '../../support/clock';
import { type FakeHubspot, startFakeHubspot } from '../../support/fakes/hubspot';

let fake: FakeHubspot;
let client: HubspotClient;
let clock: TestClock;
const slept: number[] = [];

function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  fake = await startFakeHubspot({ requiredDealProperties: ['dealstage'] });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.clear();
  fake.deals.clear();
  clock = createClock(Date.UTC(2026, 10, 20));
  slept.length = 0;
  client = createHubspotClient({
    baseUrl: `${fake.baseUrl}/`,
    accessToken: fake.token,
    fetch,
    now: clock.now,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
    pipelineCacheTtlMs: 60_000,
  });
});

afterEach(() => {
  expect(fake.violations).toEqual([]);
});

describe('createHubspotClient', () => {
  it('pages through the deal search on hs_lastmodifieddate with after', async () => {
    for (let index = 0; index < 5; index++) {
      fake.deals.set(String(100 + index), {
        dealstage: 'closedwon',
        hs_lastmodifieddate: new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString(),
      });
    }
    fake.deals.set('999', { dealstage: 'closedwon', hs_lastmodifieddate: '2026-12-01T00:00:00.000Z' });
    const since = Date.UTC(2026, 10, 1);
    const until = Date.UTC(2026, 10, 2);

    const first = await client.searchDealsModifiedBetween({
      since,
      until,
      properties: ['dealstage'],
      limit: 2,
    });
    const second = await client.searchDealsModifiedBetween({
      since,
      until,
      properties: ['dealstage'],
      limit: 2,
      after: first.after,
    });
    const third = await client.searchDealsModifiedBetween({
      since,
      until,
      properties: ['dealstage'],
      limit: 2,
      after: second.after,
    });

    expect(first).toEqual({
      total: 5,
      after: '2',
      deals: [
        { id: '100', properties: { dealstage: 'closedwon' } },
        { id: '101', properties: { dealstage: 'closedwon' } },
      ],
    });
    expect(second.deals.map((deal) => deal.id)).toEqual(['102', '103']);
    expect(third).toEqual({ total: 5, deals: [{ id: '104', properties: { dealstage: 'closedwon' } }] });
    expect(fake.requests[0]?.body).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(since) },
            { propertyName: 'hs_lastmodifieddate', operator: 'LT', value: String(until) },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['dealstage'],
      limit: 2,
    });
  });

  it('caps the search page at HubSpot limit of 200', async () => {
    await client.searchDealsModifiedBetween({
      since: Date.UTC(2026, 0, 1),
      until: clock.now(),
      properties: ['dealstage'],
      limit: 1000,
    });
    expect(fake.requests[0]?.body).toMatchObject({ limit: 200 });
  });

  it('batch-reads deals in chunks of 100 and leaves out the ones HubSpot does not find (207)', async () => {
    for (let index = 0; index < 150; index++) fake.deals.set(String(index + 1), { dealstage: 'closedwon' });
    const ids = [...Array.from({ length: 150 }, (_, index) => String(index + 1)), '9999'];
    const deals = await client.readDeals(ids, { properties: ['dealstage', 'amount'] });
    expect(deals.size).toBe(150);
    expect(deals.get('7')).toEqual({
      id: '7',
      properties: { hs_object_id: '7', dealstage: 'closedwon', amount: undefined },
    });
    expect(fake.count('deals.batchRead')).toBe(2);
  });

  it('reads a merged deal through the old IDs it absorbed, each kept under the ID asked for', async () => {
    fake.deals.set('201', { dealstage: 'closedwon', amount: '100' });
    fake.deals.set('202', { dealstage: 'closedwon', amount: '40' });
    fake.mergeDeals(['201', '202'], '300');

    const deals = await client.readDeals(['201', '202', '300'], {
      properties: ['dealstage', 'amount', 'hs_merged_object_ids'],
    });

    const merged = {
      id: '300',
      properties: {
        hs_object_id: '300',
        dealstage: 'closedwon',
        amount: '100',
        hs_merged_object_ids: '201;202',
      },
    };
    expect(Object.fromEntries(deals)).toEqual({ '201': merged, '202': merged, '300': merged });
    expect(fake.count('deals.batchRead')).toBe(1);
  });

  it('reads every page of a deal’s contacts (the `after` of each input)', async () => {
    fake.associationsPageSize = 2;
    fake.associations.set('400', ['1', '2', '3', '4', '5']);
    fake.associations.set('401', ['9']);

    const associated = await client.readDealContactIds(['400', '401']);

    expect(Object.fromEntries(associated)).toEqual({ '400': ['1', '2', '3', '4', '5'], '401': ['9'] });
    expect(fake.requestsTo('associations.batchRead').map((request) => request.body)).toEqual([
      { inputs: [{ id: '400' }, { id: '401' }] },
      { inputs: [{ id: '400', after: '2' }] },
      { inputs: [{ id: '400', after: '4' }] },
    ]);
    fake.associationsPageSize = 500;
  });

  it('calls every operation on the date-versioned paths of its API version', async () => {
    const versioned = await startFakeHubspot({
      requiredDealProperties: ['dealstage'],
      apiVersion: '2027-03',
    });
    try {
      const next = createHubspotClient({
        baseUrl: versioned.baseUrl,
        accessToken: versioned.token,
        apiVersion: '2027-03',
        fetch,
      });
      await next.readDeals(['1'], { properties: ['dealstage'] });
      await next.readContacts(['2'], { properties: ['email'] });
      await next.readDealContactIds(['1']);
      await next.getDealPipelines();
      await next.searchDealsModifiedBetween({ since: 0, until: 1, properties: ['dealstage'] });
      expect(versioned.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'POST /crm/objects/2027-03/deals/batch/read',
        'POST /crm/objects/2027-03/contacts/batch/read',
        'POST /crm/associations/2027-03/deals/contacts/batch/read',
        'GET /crm/pipelines/2027-03/deals',
        'POST /crm/objects/2027-03/deals/search',
      ]);
      expect(versioned.violations).toEqual([]);
    } finally {
      await versioned.close();
    }
  });

  it('caches the pipelines for the configured time', async () => {
    await client.getDealPipelines();
    await client.getDealPipelines();
    expect(fake.count('pipelines')).toBe(1);
    clock.advance(60_001);
    const pipelines = await client.getDealPipelines();
    expect(fake.count('pipelines')).toBe(2);
    expect(pipelines[0]?.stages.find((stage) => stage.id === 'closedwon')).toEqual({
      id: 'closedwon',
      label: 'Closed won',
      isClosed: true,
      probability: 1,
    });
  });

  it('honours Retry-After on 429, then gives up with a RetryableError carrying it', async () => {
    fake.failNext(
      {
        status: 429,
        headers: { 'retry-after': '2' },
        body: { category: 'RATE_LIMITS' },
      },
      { route: 'pipelines', times: 3 },
    );
    const error = await thrown(client.getDealPipelines());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 2000,
      message: 'HubSpot deal pipelines: HTTP 429 (RATE_LIMITS)',
    });
    expect(slept).toEqual([2000, 2000]);
    expect(fake.count('pipelines')).toBe(3);
  });

  it('does not wait past the deadline for a Retry-After', async () => {
    fake.failNext({ status: 429, headers: { 'retry-after': '10' } }, { route: 'pipelines' });
    const error = await thrown(client.getDealPipelines({ deadline: clock.now() + 2500 }));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 10_000 });
    expect(slept).toEqual([]);
  });

  it('retries a 5xx with back-off and succeeds', async () => {
    fake.failNext({ status: 503 }, { route: 'pipelines' });
    const pipelines = await client.getDealPipelines();
    expect(pipelines).toHaveLength(1);
    expect(slept).toEqual([200]);
  });

  it('turns a refused token into a ConfigurationError naming HUBSPOT_ACCESS_TOKEN, without retrying', async () => {
    const wrong = createHubspotClient({ baseUrl: fake.baseUrl, accessToken: 'pat-wrong', fetch });
    const error = await thrown(wrong.getDealPipelines());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      variables: ['HUBSPOT_ACCESS_TOKEN'],
      message:
        'HubSpot deal pipelines: HTTP 401 (INVALID_AUTHENTICATION): check HUBSPOT_ACCESS_TOKEN and its scopes',
      cause: { status: 401, code: 'INVALID_AUTHENTICATION' },
    });
    expect(fake.count('pipelines')).toBe(1);
  });

  it('turns a network failure into a RetryableError that keeps its cause', async () => {
    const offline = createHubspotClient({
      baseUrl: 'http://127.0.0.1:9',
      accessToken: 'x',
      fetch,
      sleep: async () => undefined,
    });
    const error = await thrown(offline.getDealPipelines());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'network' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
