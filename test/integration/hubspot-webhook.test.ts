import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { signV1 } from '../../lib/crm/hubspot/signature';
import { sha256Hex } from '../../lib/leads/hash';
import { emptySummary } from '../../lib/pipeline/delivery-summary';
import type { DispatchSubjects } from '../../lib/pipeline/dispatch';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/** What the handler hands to the destinations: the runtime's dispatcher, replaced to record it. */
const dispatched: { closeKeys: string[]; deadline: number; now: number }[] = [];
const recordDispatch: DispatchSubjects = async (closeKeys, call) => {
  dispatched.push({ closeKeys: [...closeKeys], deadline: call.deadline, now: clock.now() });
  return { subjects: closeKeys.length, ...emptySummary() };
};

const SECRET = 'hubspot-client-secret-for-tests';
const BASE = 'https://hooks.example.com';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

let fake: FakeHubspot;
let table: TestTable;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;

async function startApi(env: Record<string, string | undefined> = {}) {
  clock = createClock(T0, { realTime: true });
  const runtime = createTestRuntime(
    table,
    {
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: fake.token,
      HUBSPOT_API_BASE_URL: fake.baseUrl,
      PUBLIC_BASE_URL: BASE,
      DEFAULT_CURRENCY: 'EUR',
      ...env,
    },
    { now: clock.now, dispatchSubjects: recordDispatch },
  );
  api = await startLocalApi({ 'hubspot-webhook': createHubspotWebhookHandler(runtime) });
}

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

async function postHubspot(
  body: unknown,
  options: { timestamp?: number; secret?: string; headers?: Record<string, string>; path?: string } = {},
): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const path = options.path ?? '/webhooks/hubspot';
  const signature = hubspotSignatureHeaders({
    clientSecret: options.secret ?? SECRET,
    uri: `${BASE}${path}`,
    body: text,
    timestamp: options.timestamp ?? clock.now(),
  });
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signature, ...(options.headers ?? {}) },
    body: text,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const stageEvent = hubspotStageEvent;

const WON_DEAL = {
  dealstage: 'closedwon',
  pipeline: 'default',
  amount: '4500.00',
  deal_currency_code: 'USD',
  closedate: '2026-11-19T10:00:00.000Z',
  createdate: '2026-10-05T09:00:00.000Z',
  closed_won_reason: 'Great fit',
  dealtype: 'newbusiness',
  hs_is_closed_won: 'true',
  hs_is_closed: 'true',
  hs_lastmodifieddate: new Date(T0 - MINUTE).toISOString(),
  lead_id: 'lead_abc123',
};

const LOST_DEAL = {
  ...WON_DEAL,
  dealstage: 'closedlost',
  hs_is_closed_won: 'false',
  closed_won_reason: null,
  closed_lost_reason: 'Went with a competitor',
};

beforeAll(async () => {
  fake = await startFakeHubspot({ requiredDealProperties: ['dealstage', 'pipeline', 'amount', 'lead_id'] });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(async () => {
  table = await createTestTable();
  fake.clear();
  fake.deals.clear();
  fake.contacts.clear();
  fake.associations.clear();
  fake.pipelines.splice(1);
  dispatched.length = 0;
  await startApi();
});

afterEach(async () => {
  await api.close();
  // The fake answers a wrong request 400 and remembers it: no test may leave one behind.
  expect(fake.violations).toEqual([]);
});

describe('POST /webhooks/hubspot with API enrichment', () => {
  it('records a won deal with the API values, the stage-change time and the hashed contact', async () => {
    fake.deals.set('101', WON_DEAL);
    fake.associations.set('101', ['501', '502']);
    fake.contacts.set('501', {
      email: ' Jane.Doe@Example.com ',
      phone: '+1 415 555 0100',
      firstname: 'Jane',
    });

    const answer = await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - 2 * MINUTE)]);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 1, recorded: 1, duplicates: 0, ignored: 0, deferred: 0 });
    const close = await table.store.getClose('lead_abc123');
    expect(close).toMatchObject({
      subjectKey: 'lead_abc123',
      leadId: 'lead_abc123',
      crm: 'hubspot',
      dealId: '101',
      outcome: 'won',
      value: 4500,
      currency: 'USD',
      closedAt: T0 - 2 * MINUTE,
      sourceUpdatedAt: T0 - MINUTE,
      stage: 'closedwon',
      pipeline: 'default',
      closureDetail: 'Great fit',
      salesCycleDays: 46,
      dealType: 'newbusiness',
      dealCreatedAt: Date.parse('2026-10-05T09:00:00.000Z'),
      version: 1,
      planned: false,
    });
    expect(close?.closureReason).toBeUndefined();
    expect(close?.contactIdentity?.meta.em).toEqual([sha256Hex('jane.doe@example.com')]);
    expect(close?.contactIdentity?.meta.ph).toEqual([sha256Hex('14155550100')]);
    expect(await table.store.getDealPointers('hubspot', ['101'])).toEqual(new Map([['101', 'lead_abc123']]));
    expect(await table.store.getReceipts('hubspot', ['9001'])).toEqual(new Set(['9001']));
    const stored = JSON.stringify(await scanTable(table));
    expect(stored).not.toMatch(/jane|4155550100/i);
    expect(fake.count('deals.batchRead')).toBe(1);
    expect(fake.count('associations.batchRead')).toBe(1);
    expect(fake.count('contacts.batchRead')).toBe(1);
    expect(fake.count('pipelines')).toBe(0);
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]?.closeKeys).toEqual(['lead_abc123']);
    expect(dispatched[0]?.deadline).toBeLessThanOrEqual((dispatched[0]?.now ?? 0) + 2500);
  });

  it('asks the CRM API for exactly what the mapping needs, with the bearer token', async () => {
    fake.deals.set('101', WON_DEAL);
    await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - MINUTE)]);
    const read = fake.requests.find((request) => request.route === 'deals.batchRead');
    expect(read?.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(read?.body).toEqual({
      properties: [
        'dealstage',
        'pipeline',
        'amount',
        'deal_currency_code',
        'closedate',
        'createdate',
        'closed_lost_reason',
        'closed_won_reason',
        'dealtype',
        'hs_is_closed_won',
        'hs_is_closed',
        'hs_lastmodifieddate',
        'hs_merged_object_ids',
        'lead_id',
      ],
      propertiesWithHistory: [],
      inputs: [{ id: '101' }],
    });
    expect(read?.path).toBe('/crm/objects/2026-09/deals/batch/read');
  });

  it('records a lost deal at value 0 with its reason normalised and kept as detail', async () => {
    fake.deals.set('102', { ...LOST_DEAL, lead_id: 'lead_lost' });
    const answer = await postHubspot([stageEvent(9002, 102, 'closedlost', T0 - MINUTE)]);
    expect(answer.status).toBe(200);
    expect(await table.store.getClose('lead_lost')).toMatchObject({
      outcome: 'lost',
      value: 0,
      currency: 'USD',
      closureReason: 'lost_to_competitor',
      closureDetail: 'Went with a competitor',
    });
  });

  it('costs one request per endpoint for a batch of 100 mixed events', async () => {
    fake.pipelines.push({
      id: '7654321',
      label: 'Enterprise',
      stages: [
        { id: '1234567', label: 'Signed', isClosed: true, probability: 1 },
        { id: '1234568', label: 'Lost', isClosed: true, probability: 0 },
        { id: '1234566', label: 'Negotiation', isClosed: false, probability: 0.6 },
      ],
    });
    const events: unknown[] = [];
    for (let index = 0; index < 100; index++) {
      const dealId = 1000 + index;
      const at = T0 - MINUTE + index;
      if (index < 40) {
        fake.deals.set(String(dealId), { ...WON_DEAL, lead_id: `lead_${dealId}` });
        fake.associations.set(String(dealId), [String(5000 + index)]);
        fake.contacts.set(String(5000 + index), { email: `buyer${index}@example.com` });
        events.push(stageEvent(20_000 + index, dealId, 'closedwon', at));
      } else if (index < 70) {
        // A custom pipeline without HubSpot's calculated flags: decided through the pipelines API.
        fake.deals.set(String(dealId), {
          dealstage: '1234568',
          pipeline: '7654321',
          amount: '900',
          lead_id: `lead_${dealId}`,
          hs_lastmodifieddate: new Date(at).toISOString(),
        });
        events.push(stageEvent(20_000 + index, dealId, '1234568', at));
      } else if (index < 90) {
        fake.deals.set(String(dealId), {
          dealstage: 'appointmentscheduled',
          pipeline: 'default',
          hs_is_closed: 'false',
          hs_is_closed_won: 'false',
          lead_id: `lead_${dealId}`,
        });
        events.push(stageEvent(20_000 + index, dealId, 'appointmentscheduled', at));
      } else {
        events.push({
          eventId: 20_000 + index,
          occurredAt: at,
          subscriptionType: 'contact.propertyChange',
          objectId: 7000 + index,
          propertyName: 'email',
          propertyValue: 'someone@example.com',
        });
      }
    }

    const answer = await postHubspot(events);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 100, recorded: 70, duplicates: 0, ignored: 30, deferred: 0 });
    expect(fake.count('deals.batchRead')).toBe(1);
    expect(fake.count('pipelines')).toBe(1);
    expect(fake.count('associations.batchRead')).toBe(1);
    expect(fake.count('contacts.batchRead')).toBe(1);
    const closes = await table.store.getCloses(
      Array.from({ length: 100 }, (_, index) => `lead_${1000 + index}`),
    );
    expect(closes.size).toBe(70);
    expect(closes.get('lead_1000')).toMatchObject({ outcome: 'won', value: 4500 });
    expect(closes.get('lead_1040')).toMatchObject({
      outcome: 'lost',
      value: 0,
      stage: '1234568',
      pipeline: '7654321',
    });
    expect(closes.has('lead_1070')).toBe(false);
    expect(dispatched[0]?.closeKeys).toHaveLength(70);
  });

  it("classifies a custom pipeline's stage IDs from stage metadata and caches the pipelines", async () => {
    fake.pipelines.push({
      id: '7654321',
      label: 'Enterprise',
      stages: [
        { id: '1234567', label: 'Signed', isClosed: true, probability: 1 },
        { id: '1234566', label: 'Negotiation', isClosed: false, probability: 0.6 },
      ],
    });
    fake.deals.set('301', {
      dealstage: '1234567',
      pipeline: '7654321',
      amount: '1200',
      lead_id: 'lead_custom',
    });
    fake.deals.set('302', { dealstage: '1234566', pipeline: '7654321', amount: '800', lead_id: 'lead_open' });

    const first = await postHubspot([stageEvent(9301, 301, '1234567', T0 - MINUTE)]);
    const second = await postHubspot([stageEvent(9302, 302, '1234566', T0 - MINUTE)]);

    expect(first.body).toMatchObject({ recorded: 1 });
    expect(second.body).toMatchObject({ recorded: 0, ignored: 1 });
    expect(await table.store.getClose('lead_custom')).toMatchObject({
      outcome: 'won',
      value: 1200,
      stage: '1234567',
    });
    expect(await table.store.getClose('lead_open')).toBeUndefined();
    expect(fake.count('pipelines')).toBe(1);
  });

  it('treats a retry with the same eventId as a duplicate without calling HubSpot again', async () => {
    fake.deals.set('101', WON_DEAL);
    const batch = [stageEvent(9001, 101, 'closedwon', T0 - MINUTE)];
    await postHubspot(batch);
    const callsAfterFirst = fake.requests.length;

    const retry = await postHubspot(batch);

    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ received: 1, recorded: 0, duplicates: 1, ignored: 0, deferred: 0 });
    expect(fake.requests.length).toBe(callsAfterFirst);
    expect((await table.store.getClose('lead_abc123'))?.version).toBe(1);
  });

  it('keeps one record at version 1 when the same close arrives 10 times at once', async () => {
    fake.deals.set('101', WON_DEAL);
    const deliveries = Array.from({ length: 10 }, (_, index) =>
      postHubspot([{ ...stageEvent(9100 + index, 101, 'closedwon', T0 - MINUTE), attemptNumber: index }]),
    );
    const answers = await Promise.all(deliveries);

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    const closes = (await scanTable(table)).filter((item) => item.type === 'close');
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ closeKey: 'lead_abc123', version: 1, outcome: 'won', value: 4500 });
  });

  it('makes a re-opened deal version 2 with the previous close, and a re-close version 3', async () => {
    fake.deals.set('101', { ...WON_DEAL, hs_lastmodifieddate: new Date(T0 - 10 * MINUTE).toISOString() });
    await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - 10 * MINUTE)]);
    fake.deals.set('101', {
      ...WON_DEAL,
      dealstage: 'contractsent',
      hs_is_closed_won: 'false',
      hs_is_closed: 'false',
      hs_lastmodifieddate: new Date(T0 - 5 * MINUTE).toISOString(),
    });

    const reopened = await postHubspot([stageEvent(9002, 101, 'contractsent', T0 - 5 * MINUTE)]);

    expect(reopened.body).toMatchObject({ recorded: 1 });
    expect(await table.store.getClose('lead_abc123')).toMatchObject({
      version: 2,
      outcome: 'reopened',
      value: 0,
      currency: 'USD',
      stage: 'contractsent',
      closedAt: T0 - 5 * MINUTE,
      previous: { version: 1, outcome: 'won', value: 4500, currency: 'USD' },
    });

    fake.deals.set('101', {
      ...WON_DEAL,
      amount: '5200',
      hs_lastmodifieddate: new Date(T0 - MINUTE).toISOString(),
    });
    await postHubspot([stageEvent(9003, 101, 'closedwon', T0 - MINUTE)]);
    expect(await table.store.getClose('lead_abc123')).toMatchObject({
      version: 3,
      outcome: 'won',
      value: 5200,
      previous: { version: 2, outcome: 'reopened', value: 0, currency: 'USD' },
    });
  });

  it('makes a re-valued won deal version 2 (amount change event)', async () => {
    fake.deals.set('101', { ...WON_DEAL, hs_lastmodifieddate: new Date(T0 - 10 * MINUTE).toISOString() });
    await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - 10 * MINUTE)]);
    fake.deals.set('101', {
      ...WON_DEAL,
      amount: '6100.50',
      hs_lastmodifieddate: new Date(T0 - MINUTE).toISOString(),
    });

    await postHubspot([
      {
        ...stageEvent(9005, 101, 'closedwon', T0 - MINUTE),
        propertyName: 'amount',
        propertyValue: '6100.50',
      },
    ]);

    expect(await table.store.getClose('lead_abc123')).toMatchObject({
      version: 2,
      outcome: 'won',
      value: 6100.5,
      // The stage did not change: the close keeps the time it reached the stage, not the amount edit's.
      closedAt: T0 - 10 * MINUTE,
      previous: { version: 1, outcome: 'won', value: 4500, currency: 'USD' },
    });
  });

  it('records a close without a lead ID under its deal', async () => {
    fake.deals.set('202', { ...WON_DEAL, lead_id: null });
    await postHubspot([stageEvent(9202, 202, 'closedwon', T0 - MINUTE)]);
    const close = await table.store.getClose('hubspot-deal:202');
    expect(close).toMatchObject({
      subjectKey: 'hubspot-deal:202',
      dealId: '202',
      outcome: 'won',
      value: 4500,
    });
    expect(close?.leadId).toBeUndefined();
  });

  it('ignores events of other objects and of deal properties that cannot close a deal, writing nothing', async () => {
    const answer = await postHubspot([
      { eventId: 1, occurredAt: T0, subscriptionType: 'contact.creation', objectId: 5 },
      {
        eventId: 2,
        occurredAt: T0,
        subscriptionType: 'object.propertyChange',
        objectTypeId: '0-2',
        objectId: 6,
        propertyName: 'name',
        propertyValue: 'ACME',
      },
      {
        eventId: 3,
        occurredAt: T0,
        subscriptionType: 'deal.propertyChange',
        objectId: 7,
        propertyName: 'hubspot_owner_id',
        propertyValue: '12',
      },
      {
        eventId: 4,
        occurredAt: T0,
        subscriptionType: 'deal.associationChange',
        fromObjectId: 7,
        toObjectId: 8,
      },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 4, recorded: 0, duplicates: 0, ignored: 4, deferred: 0 });
    expect(fake.requests).toHaveLength(0);
    expect(await scanTable(table)).toEqual([]);
  });

  it('reads generic object.propertyChange events of deals (objectTypeId 0-3)', async () => {
    fake.deals.set('101', WON_DEAL);
    const answer = await postHubspot([
      {
        eventId: 77,
        occurredAt: T0 - MINUTE,
        subscriptionType: 'object.propertyChange',
        objectTypeId: '0-3',
        objectId: 101,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
    ]);
    expect(answer.body).toMatchObject({ recorded: 1 });
  });

  it('waits for a short Retry-After on 429 and records the batch', async () => {
    fake.deals.set('101', WON_DEAL);
    fake.failNext(
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { status: 'error', category: 'RATE_LIMITS' },
      },
      { route: 'deals.batchRead' },
    );
    const answer = await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - MINUTE)]);
    expect(answer.status).toBe(200);
    expect(fake.count('deals.batchRead')).toBe(2);
    expect((await table.store.getClose('lead_abc123'))?.version).toBe(1);
  });

  it('defers the deal to the backfill when the rate limit outlasts the time budget, and answers 200', async () => {
    fake.deals.set('101', WON_DEAL);
    fake.failNext(
      {
        status: 429,
        headers: { 'retry-after': '30' },
        body: { status: 'error', category: 'RATE_LIMITS' },
      },
      { route: 'deals.batchRead' },
    );
    const answer = await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - MINUTE)]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 1, recorded: 0, duplicates: 0, ignored: 0, deferred: 1 });
    expect(fake.count('deals.batchRead')).toBe(1);
    // No close yet: the deal and what its event said wait for the backfill, after HubSpot's Retry-After.
    expect(await table.store.getClose('lead_abc123')).toBeUndefined();
    const deferred = (await table.store.getDeferredDeals('hubspot', ['101'])).get('101');
    expect(deferred).toMatchObject({
      dealId: '101',
      changes: { dealstage: { value: 'closedwon', at: T0 - MINUTE } },
      events: 1,
      reason: 'rate_limited',
    });
    expect(deferred?.retryAt).toBe((deferred?.deferredAt ?? 0) + 30_000);
    expect(dispatched).toEqual([]);

    // HubSpot's retry of the same batch is a duplicate: the deferred deal already stands for it.
    const retry = await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - MINUTE)]);
    expect(retry.body).toEqual({ received: 1, recorded: 0, duplicates: 1, ignored: 0, deferred: 0 });
    expect(fake.count('deals.batchRead')).toBe(1);
  });

  it('defers after HubSpot 5xx answers, merging a later webhook about the same deal into one record', async () => {
    fake.deals.set('101', WON_DEAL);
    fake.failNext(
      {
        status: 502,
        body: { status: 'error', category: 'INTERNAL' },
      },
      { route: 'deals.batchRead', times: 6 },
    );
    const first = await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - 2 * MINUTE)]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ recorded: 0, deferred: 1 });
    expect(fake.count('deals.batchRead')).toBe(3);
    const amountChange = {
      ...stageEvent(9002, 101, 'closedwon', T0 - MINUTE),
      propertyName: 'amount',
      propertyValue: '5000',
    };
    const second = await postHubspot([amountChange]);
    expect(second.body).toMatchObject({ recorded: 0, deferred: 1 });
    const items = await scanTable(table);
    expect(items.filter((item) => item.type === 'deferred_deal')).toHaveLength(1);
    expect(items.filter((item) => item.type === 'close')).toEqual([]);
    expect((await table.store.getDeferredDeals('hubspot', ['101'])).get('101')).toMatchObject({
      events: 2,
      revision: 2,
      latestAt: T0 - MINUTE,
      changes: {
        dealstage: { value: 'closedwon', at: T0 - 2 * MINUTE },
        amount: { value: '5000', at: T0 - MINUTE },
      },
    });
  });

  it('defers a workflow webhook without keeping the contact properties it carried', async () => {
    fake.failNext(
      {
        status: 503,
        body: { status: 'error', category: 'INTERNAL' },
      },
      { route: 'deals.batchRead', times: 3 },
    );
    const stageAt = T0 - 30 * MINUTE;
    const answer = await postHubspot({
      portalId: 62515,
      objectType: 'DEAL',
      objectId: 160,
      properties: {
        dealstage: { value: 'closedwon', timestamp: stageAt },
        lead_id: { value: 'lead_wf', timestamp: Date.UTC(2026, 9, 1) },
        contact_email: { value: 'Buyer@Example.com' },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 1, recorded: 0, duplicates: 0, ignored: 0, deferred: 1 });
    expect((await table.store.getDeferredDeals('hubspot', ['160'])).get('160')).toMatchObject({
      changes: { dealstage: { value: 'closedwon', at: stageAt } },
    });
    expect(JSON.stringify(await scanTable(table)).toLowerCase()).not.toContain('buyer@example.com');
  });

  it('answers 500 (our configuration) when HubSpot refuses the access token, and writes nothing', async () => {
    await api.close();
    await startApi({ HUBSPOT_ACCESS_TOKEN: 'pat-wrong' });
    fake.deals.set('101', WON_DEAL);
    const answer = await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - MINUTE)]);
    expect(answer.status).toBe(500);
    expect(answer.body.error).toBe('internal error; retry later');
    expect(fake.count('deals.batchRead')).toBe(1);
    expect(await scanTable(table)).toEqual([]);
  });
});

describe('POST /webhooks/hubspot verification and validation', () => {
  it('refuses a replay signed more than 5 minutes ago with 401 and writes nothing', async () => {
    fake.deals.set('101', WON_DEAL);
    const answer = await postHubspot([stageEvent(9001, 101, 'closedwon', T0 - MINUTE)], {
      timestamp: clock.now() - 5 * MINUTE - 1000,
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('X-HubSpot-Request-Timestamp is more than 5 minutes away from now');
    expect(fake.requests).toHaveLength(0);
    expect(await scanTable(table)).toEqual([]);
  });

  it('refuses a signature made with another secret', async () => {
    const answer = await postHubspot([stageEvent(9001, 101, 'closedwon', T0)], { secret: 'not-the-secret' });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid X-HubSpot-Signature-v3');
  });

  it('accepts a legacy v1 signature when no v3 header is sent', async () => {
    fake.deals.set('101', WON_DEAL);
    const body = JSON.stringify([stageEvent(9001, 101, 'closedwon', T0 - MINUTE)]);
    const response = await fetch(`${api.baseUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature': signV1({ clientSecret: SECRET, body }),
        'x-hubspot-signature-version': 'v1',
      },
      body,
    });
    expect(response.status).toBe(200);
  });

  it('verifies against the Host and X-Forwarded-Proto when PUBLIC_BASE_URL is not set', async () => {
    await api.close();
    await startApi({ PUBLIC_BASE_URL: undefined });
    const body = JSON.stringify([
      { eventId: 1, occurredAt: T0, subscriptionType: 'contact.creation', objectId: 5 },
    ]);
    const host = new URL(api.baseUrl).host;
    const response = await fetch(`${api.baseUrl}/webhooks/hubspot?portal=62515&note=a%3Ab`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-proto': 'https',
        ...hubspotSignatureHeaders({
          clientSecret: SECRET,
          uri: `https://${host}/webhooks/hubspot?portal=62515&note=a%3Ab`,
          body,
          timestamp: clock.now(),
        }),
      },
      body,
    });
    expect(response.status).toBe(200);
  });

  it('answers 401 for every call while HUBSPOT_CLIENT_SECRET is not configured', async () => {
    await api.close();
    await startApi({ HUBSPOT_CLIENT_SECRET: undefined });
    const answer = await postHubspot([stageEvent(9001, 101, 'closedwon', T0)]);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe(
      'the HubSpot webhook is disabled: HUBSPOT_CLIENT_SECRET is not configured',
    );
  });

  it('answers 400 naming the fields of an invalid event batch, and writes nothing', async () => {
    const answer = await postHubspot([
      { eventId: 'abc', occurredAt: 'yesterday', subscriptionType: 'deal.propertyChange', objectId: 1 },
      { eventId: 2, occurredAt: T0, subscriptionType: 'deal.propertyChange', propertyName: 'dealstage' },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: '[0].eventId', message: 'must be a numeric ID' },
      { field: '[0].occurredAt', message: 'must be epoch milliseconds' },
    ]);
    expect(await scanTable(table)).toEqual([]);
  });

  it('answers 400 for a deal event without objectId', async () => {
    const answer = await postHubspot([
      { eventId: 2, occurredAt: T0, subscriptionType: 'deal.propertyChange', propertyName: 'dealstage' },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ field: '[0].objectId', message: 'required for a deal event' }]);
  });

  it('answers 400 for a body that is not a HubSpot webhook', async () => {
    const object = await postHubspot({ hello: 'world' });
    const text = await postHubspot('"just text"');
    const broken = await postHubspot('[{"eventId": 1,');
    const tooMany = await postHubspot(
      Array.from({ length: 101 }, (_, index) => ({
        eventId: index,
        occurredAt: T0,
        subscriptionType: 'contact.creation',
        objectId: 1,
      })),
    );
    expect([object.status, text.status, broken.status, tooMany.status]).toEqual([400, 400, 400, 400]);
    expect(object.body.issues).toEqual([
      {
        field: 'objectId',
        message:
          'expected a HubSpot webhook: an array of subscription events, or a workflow payload naming the deal (objectId or hs_object_id)',
      },
    ]);
    expect(broken.body.issues).toEqual([{ field: '(body)', message: 'not valid JSON' }]);
    expect(tooMany.body.issues).toEqual([{ field: '(body)', message: 'at most 100 events a request' }]);
    expect(await scanTable(table)).toEqual([]);
  });
});

describe('POST /webhooks/hubspot without HUBSPOT_ACCESS_TOKEN (payload only)', () => {
  beforeEach(async () => {
    await api.close();
    await startApi({ HUBSPOT_ACCESS_TOKEN: undefined });
  });

  it('keeps the newer close when an older event arrives late (out of order)', async () => {
    await postHubspot([stageEvent(9010, 110, 'closedlost', T0 - MINUTE)]);
    const late = await postHubspot([stageEvent(9009, 110, 'closedwon', T0 - 10 * MINUTE)]);

    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ recorded: 0 });
    expect(await table.store.getClose('hubspot-deal:110')).toMatchObject({
      version: 1,
      outcome: 'lost',
      value: 0,
      currency: 'EUR',
      closedAt: T0 - MINUTE,
      sourceUpdatedAt: T0 - MINUTE,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('takes the latest stage of a deal within one batch, whatever the array order', async () => {
    await postHubspot([
      stageEvent(9021, 120, 'appointmentscheduled', T0 - MINUTE),
      stageEvent(9020, 120, 'closedwon', T0 - 3 * MINUTE),
    ]);
    expect(await table.store.getClose('hubspot-deal:120')).toBeUndefined();
  });

  it('re-opens a recorded deal moved back to an open default stage, then re-values nothing for a lost one', async () => {
    await postHubspot([stageEvent(9030, 130, 'closedlost', T0 - 10 * MINUTE)]);
    await postHubspot([stageEvent(9031, 130, 'contractsent', T0 - 5 * MINUTE)]);
    expect(await table.store.getClose('hubspot-deal:130')).toMatchObject({
      version: 2,
      outcome: 'reopened',
      previous: { version: 1, outcome: 'lost', value: 0, currency: 'EUR' },
    });
  });

  it('re-values a recorded won close from an amount change event', async () => {
    await postHubspot([stageEvent(9040, 140, 'closedwon', T0 - 10 * MINUTE)]);
    await postHubspot([
      { ...stageEvent(9041, 140, 'closedwon', T0 - MINUTE), propertyName: 'amount', propertyValue: '3000' },
    ]);
    expect(await table.store.getClose('hubspot-deal:140')).toMatchObject({
      version: 2,
      outcome: 'won',
      value: 3000,
      previous: { version: 1, outcome: 'won', value: 0, currency: 'EUR' },
    });
  });

  it('ignores a custom stage it cannot classify without the API', async () => {
    const answer = await postHubspot([stageEvent(9050, 150, '1234567', T0 - MINUTE)]);
    expect(answer.body).toEqual({ received: 1, recorded: 0, duplicates: 0, ignored: 1, deferred: 0 });
    expect(await table.store.getClose('hubspot-deal:150')).toBeUndefined();
  });

  it('records a workflow payload with all properties, timed by the stage property timestamp', async () => {
    const stageAt = T0 - 30 * MINUTE;
    const answer = await postHubspot({
      portalId: 62515,
      objectType: 'DEAL',
      objectId: 160,
      properties: {
        dealstage: { value: 'closedwon', timestamp: stageAt, source: 'CRM_UI' },
        amount: { value: '12000', timestamp: stageAt - MINUTE },
        deal_currency_code: { value: 'gbp', timestamp: stageAt - MINUTE },
        createdate: { value: String(Date.UTC(2026, 9, 1)), timestamp: Date.UTC(2026, 9, 1) },
        lead_id: { value: 'lead_wf', timestamp: Date.UTC(2026, 9, 1) },
        hs_lastmodifieddate: { value: String(stageAt + 1000), timestamp: stageAt + 1000 },
        contact_email: { value: 'Buyer@Example.com' },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 1, recorded: 1, duplicates: 0, ignored: 0, deferred: 0 });
    const close = await table.store.getClose('lead_wf');
    expect(close).toMatchObject({
      dealId: '160',
      outcome: 'won',
      value: 12000,
      currency: 'GBP',
      closedAt: stageAt,
      sourceUpdatedAt: stageAt + 1000,
      salesCycleDays: 50,
    });
    expect(close?.contactIdentity?.google.emails).toEqual([sha256Hex('buyer@example.com')]);
  });

  it('records a customised workflow body of chosen properties', async () => {
    const answer = await postHubspot({
      hs_object_id: '170',
      dealstage: 'closedlost',
      closed_lost_reason: 'Too expensive',
      lead_id: 'lead_custom_body',
      hs_lastmodifieddate: new Date(T0 - MINUTE).toISOString(),
    });
    expect(answer.status).toBe(200);
    expect(await table.store.getClose('lead_custom_body')).toMatchObject({
      outcome: 'lost',
      value: 0,
      closureReason: 'price',
      closureDetail: 'Too expensive',
      closedAt: T0 - MINUTE,
    });
  });

  it('ignores a workflow built on another object type', async () => {
    const answer = await postHubspot({
      objectType: 'CONTACT',
      objectId: 55,
      properties: { email: { value: 'x@example.com' } },
    });
    expect(answer.body).toEqual({ received: 1, recorded: 0, duplicates: 0, ignored: 1, deferred: 0 });
    expect(await scanTable(table)).toEqual([]);
  });
});
