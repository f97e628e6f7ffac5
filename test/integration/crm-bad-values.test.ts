import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { outboundMessage } from '../support/salesforce-soap';
import { scanTable } from '../support/table-items';

/**
 * Issue 16 item 4 for the CRMs: HubSpot IDs above 2^53 stay exact, amounts with separators and symbols read
 * the same way from both CRMs, and a close whose currency is outside ISO 4217 is recorded with the reason
 * and reaches no platform; a multi-notification Outbound Message with one impossible amount writes nothing.
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-client-secret-values';
const SF_ORG = '00D5g000004ABCDEA4';
const SF_TOKEN = 'salesforce-path-token-values-0123';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;

beforeEach(async () => {
  clock = createClock(T0, { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  hubspot = await startFakeHubspot();
  const runtime = createTestRuntime(
    table,
    {
      ...platforms.env,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      SALESFORCE_ORG_ID: SF_ORG,
      SALESFORCE_WEBHOOK_TOKEN: SF_TOKEN,
      PUBLIC_BASE_URL: BASE,
    },
    { now: clock.now },
  );
  api = await startLocalApi({
    collect: createCollectHandler(runtime),
    'hubspot-webhook': createHubspotWebhookHandler(runtime),
    'salesforce-webhook': createSalesforceWebhookHandler(runtime),
  });
});

afterEach(async () => {
  await api.close();
  expect(platforms.violations()).toEqual([]);
  expect(hubspot.violations).toEqual([]);
  await Promise.all([platforms.close(), hubspot.close()]);
});

async function captureLead(leadId: string) {
  const response = await fetch(`${api.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    body: JSON.stringify({
      event: { name: 'lead_created', id: leadId, timestamp: T0 - 10 * 24 * 60 * MINUTE },
      context: { url: 'https://example.com/demo?gclid=EAIaIQobChMI-values-gclid' },
      user: { email: 'buyer@example.com' },
      consent: { analytics: true, personalization: true, marketing: true },
    }),
  });
  expect(response.status).toBe(202);
}

async function postHubspot(body: string) {
  const response = await fetch(`${api.baseUrl}/webhooks/hubspot`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...hubspotSignatureHeaders({
        clientSecret: SECRET,
        uri: `${BASE}/webhooks/hubspot`,
        body,
        timestamp: clock.now(),
      }),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function postSalesforce(body: string) {
  const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const WON = {
  dealstage: 'closedwon',
  pipeline: 'default',
  amount: '4500',
  deal_currency_code: 'USD',
  hs_is_closed_won: 'true',
  hs_is_closed: 'true',
  closedate: new Date(T0 - 3 * MINUTE).toISOString(),
  hs_lastmodifieddate: new Date(T0 - 2 * MINUTE).toISOString(),
};

const SF_WON = (id: string, fields: Record<string, string | null> = {}) => ({
  StageName: 'Closed Won',
  IsWon: 'true',
  IsClosed: 'true',
  Amount: '9000.0',
  LastModifiedDate: '2026-11-20T11:50:00.000Z',
  SystemModstamp: '2026-11-20T11:50:00.000Z',
  Id: id,
  ...fields,
});

describe('HubSpot IDs above 2^53', () => {
  it('keeps two deals whose IDs round to the same double apart, exactly as written', async () => {
    // 2^53 and 2^53 + 1 are the same JavaScript number: the webhook's JSON is read with its digits kept.
    const [low, high] = ['9007199254740992', '9007199254740993'];
    hubspot.deals.set(low, WON);
    hubspot.deals.set(high, { ...WON, amount: '100' });
    const body = JSON.stringify([
      hubspotStageEvent(1, 1, 'closedwon', T0 - 2 * MINUTE),
      hubspotStageEvent(2, 2, 'closedwon', T0 - 2 * MINUTE),
    ])
      .replace('"objectId":1,', `"objectId":${low},`)
      .replace('"objectId":2,', `"objectId":${high},`)
      .replace('"eventId":1,', '"eventId":18446744073709551614,')
      .replace('"eventId":2,', '"eventId":18446744073709551615,');

    const answer = await postHubspot(body);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ received: 2, recorded: 2, duplicates: 0 });
    expect((await table.store.getClose(`hubspot-deal:${low}`))?.value).toBe(4500);
    expect((await table.store.getClose(`hubspot-deal:${high}`))?.value).toBe(100);
    expect(
      await table.store.getReceipts('hubspot', ['18446744073709551614', '18446744073709551615']),
    ).toEqual(new Set(['18446744073709551614', '18446744073709551615']));
  });
});

describe('amounts with thousands separators and currency symbols', () => {
  it('reads them the same way from HubSpot and Salesforce, never as 0', async () => {
    hubspot.deals.set('801', { ...WON, amount: '$1,500.50', lead_id: 'lead_hs_amount' });
    expect(
      (await postHubspot(JSON.stringify([hubspotStageEvent(11, 801, 'closedwon', T0 - MINUTE)]))).status,
    ).toBe(200);
    const soap = outboundMessage({
      organizationId: SF_ORG,
      notifications: [
        {
          id: '04l5g000001VALAAA4',
          fields: SF_WON('0065g00000VALaaAAV', { Amount: '1.500,50 €', Lead_ID__c: 'lead_sf_amount' }),
        },
      ],
    });
    expect((await postSalesforce(soap)).status).toBe(200);

    expect((await table.store.getClose('lead_hs_amount'))?.value).toBe(1500.5);
    expect((await table.store.getClose('lead_sf_amount'))?.value).toBe(1500.5);
  });

  it('records an unreadable HubSpot amount with its reason and sends nothing', async () => {
    await captureLead('lead_hs_lots');
    hubspot.deals.set('802', { ...WON, amount: 'lots', lead_id: 'lead_hs_lots' });
    expect(
      (await postHubspot(JSON.stringify([hubspotStageEvent(12, 802, 'closedwon', T0 - MINUTE)]))).status,
    ).toBe(200);
    const close = await table.store.getClose('lead_hs_lots');
    expect(close?.unusable).toEqual({ reason: 'invalid_amount', message: expect.stringMatching(/^amount /) });
    const deliveries = await table.store.getDeliveries([
      { subjectKey: 'lead_hs_lots', destination: 'google-ads' },
      { subjectKey: 'lead_hs_lots', destination: 'meta' },
    ]);
    expect([...deliveries.values()].map((delivery) => delivery.status)).toEqual([
      'skipped:invalid_amount',
      'skipped:invalid_amount',
    ]);
    expect(platforms.meta.eventsReceived + platforms.dataManager.eventsReceived).toBe(0);
  });
});

describe('currencies outside ISO 4217 from a CRM', () => {
  it('HubSpot: the close is recorded with the reason, every destination skips it, nothing is uploaded', async () => {
    await captureLead('lead_btc');
    hubspot.deals.set('901', { ...WON, deal_currency_code: 'BTC', lead_id: 'lead_btc' });

    const answer = await postHubspot(JSON.stringify([hubspotStageEvent(21, 901, 'closedwon', T0 - MINUTE)]));

    expect(answer.status).toBe(200);
    const close = await table.store.getClose('lead_btc');
    expect(close).toMatchObject({
      outcome: 'won',
      value: 4500,
      unusable: {
        reason: 'invalid_currency',
        message: 'deal_currency_code is not an ISO 4217 currency code',
      },
    });
    const deliveries = await table.store.getDeliveries([
      { subjectKey: 'lead_btc', destination: 'google-ads' },
      { subjectKey: 'lead_btc', destination: 'meta' },
    ]);
    expect(
      Object.fromEntries([...deliveries.values()].map((delivery) => [delivery.destination, delivery.status])),
    ).toEqual({ 'google-ads': 'skipped:invalid_currency', meta: 'skipped:invalid_currency' });
    expect(platforms.meta.eventsReceived + platforms.dataManager.eventsReceived).toBe(0);
  });

  it('Salesforce: the same for CurrencyIsoCode ZZZ', async () => {
    await captureLead('lead_zzz');
    const soap = outboundMessage({
      organizationId: SF_ORG,
      notifications: [
        {
          id: '04l5g000001ZZZAAA4',
          fields: SF_WON('0065g00000ZZZaaAAV', { CurrencyIsoCode: 'ZZZ', Lead_ID__c: 'lead_zzz' }),
        },
      ],
    });

    expect((await postSalesforce(soap)).status).toBe(200);

    expect((await table.store.getClose('lead_zzz'))?.unusable?.reason).toBe('invalid_currency');
    const deliveries = await table.store.getDeliveries([
      { subjectKey: 'lead_zzz', destination: 'google-ads' },
      { subjectKey: 'lead_zzz', destination: 'meta' },
    ]);
    expect([...deliveries.values()].map((delivery) => delivery.status)).toEqual([
      'skipped:invalid_currency',
      'skipped:invalid_currency',
    ]);
    expect(platforms.meta.eventsReceived + platforms.dataManager.eventsReceived).toBe(0);
  });
});

describe('a multi-notification Outbound Message with one impossible amount', () => {
  it('answers 400 naming the field and writes none of the message', async () => {
    const before = await scanTable(table);
    const soap = outboundMessage({
      organizationId: SF_ORG,
      notifications: [
        { id: '04l5g000001AAAAAA4', fields: SF_WON('0065g00000AAAaaAAV', { Lead_ID__c: 'lead_a' }) },
        {
          id: '04l5g000001AAABAA4',
          fields: SF_WON('0065g00000AABaaAAV', { Amount: '1.0E21', Lead_ID__c: 'lead_b' }),
        },
      ],
    });

    const answer = await postSalesforce(soap);

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).issues).toEqual([
      {
        field: 'Envelope.Body.notifications.Notification[1].sObject.Amount',
        message: 'must be at most 9007199254740991',
      },
    ]);
    expect(await scanTable(table)).toEqual(before);
  });
});
