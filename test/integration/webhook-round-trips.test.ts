import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { deliveryRefKey } from '../../lib/store/deliveries';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { outboundMessage } from '../support/salesforce-soap';
import { dueItems } from '../support/table-items';
import { countCommands } from '../support/write-counter';

/**
 * Issue 19: a close costs the round trips the path must make (docs/performance.md names each) and no more,
 * counted on the runtime's own DynamoDB client — HubSpot 8 DynamoDB calls and 5 requests, Salesforce 7 and 2
 * — with everything the path guarantees still true afterwards: one conversion at each platform, each
 * delivery recorded, the close out of the due index, the receipt kept.
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-round-trips-secret';
const SF_ORG = '00D5g000004ABCDEA4';
const SF_TOKEN = 'salesforce-round-trips-token-0123';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;
let counter: ReturnType<typeof countCommands>;

beforeEach(async () => {
  clock = createClock(T0, { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  hubspot = await startFakeHubspot();
  counter = countCommands(table.client);
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
      event: { name: 'lead_created', id: leadId, timestamp: T0 - 20 * 24 * 60 * MINUTE },
      context: { url: 'https://example.com/?gclid=EAIaIQobChMI-round-trips&fbclid=IwAR-round-trips' },
      user: { email: 'buyer@example.com', country: 'US' },
      consent: { analytics: true, personalization: true, marketing: true },
    }),
  });
  expect(response.status).toBe(202);
}

async function expectDelivered(leadId: string) {
  expect(platforms.dataManager.eventsReceived).toBe(1);
  expect(platforms.meta.eventsReceived).toBe(1);
  const deliveries = await table.store.getDeliveries([
    { subjectKey: leadId, destination: 'google-ads' },
    { subjectKey: leadId, destination: 'meta' },
  ]);
  // Data Manager takes the request for processing; its check asks for the result later.
  const google = deliveries.get(deliveryRefKey({ subjectKey: leadId, destination: 'google-ads' }));
  expect(google?.processingCheck).toEqual({ checkAt: expect.any(Number), checks: 0 });
  // The request carried this delivery alone: its check is the delivery itself, in the processing partition.
  const checks = await dueItems(table, 'PROCESSING');
  expect(checks.map((item) => [item.type, item.pk])).toEqual([['delivery', `DELIVERY#${leadId}#google-ads`]]);
  expect(
    Object.fromEntries([...deliveries.values()].map((delivery) => [delivery.destination, delivery.status])),
  ).toEqual({
    'google-ads': 'accepted',
    meta: 'delivered',
  });
  expect((await table.store.getClose(leadId))?.planned).toBe(true);
  expect(await dueItems(table)).toEqual([]);
}

describe('the webhook path’s round trips', () => {
  it('a HubSpot close: 2 BatchGetItem, 4 PutItem (close, receipt, 2 deliveries, the Data Manager one carrying its processing check), 2 UpdateItem (pointer, planned), 3 HubSpot requests', async () => {
    await captureLead('lead_rt_hs');
    hubspot.deals.set('801', {
      dealstage: 'closedwon',
      pipeline: 'default',
      amount: '4500',
      deal_currency_code: 'USD',
      hs_is_closed_won: 'true',
      hs_is_closed: 'true',
      createdate: new Date(T0 - 30 * 24 * 60 * MINUTE).toISOString(),
      closedate: new Date(T0 - 3 * MINUTE).toISOString(),
      hs_lastmodifieddate: new Date(T0 - 2 * MINUTE).toISOString(),
      lead_id: 'lead_rt_hs',
    });
    hubspot.associations.set('801', ['901']);
    hubspot.contacts.set('901', { email: 'contact@example.org' });
    const body = JSON.stringify([hubspotStageEvent(88001, 801, 'closedwon', T0 - 2 * MINUTE)]);
    counter.reset();
    const requestsBefore = hubspot.requests.length;

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

    expect(response.status).toBe(200);
    expect(Object.fromEntries(counter.counts)).toEqual({
      BatchGetItemCommand: 2,
      PutItemCommand: 4,
      UpdateItemCommand: 2,
    });
    expect(hubspot.requests.length - requestsBefore).toBe(3);
    await expectDelivered('lead_rt_hs');
    expect(await table.store.getReceipts('hubspot', ['88001'])).toEqual(new Set(['88001']));
  });

  it('a Salesforce close: 1 BatchGetItem, 4 PutItem, 2 UpdateItem', async () => {
    await captureLead('lead_rt_sf');
    const body = outboundMessage({
      organizationId: SF_ORG,
      notifications: [
        {
          id: '04l5g000000RT01AAA',
          fields: {
            Id: '0065g00000RT01AAAA',
            StageName: 'Closed Won',
            IsWon: 'true',
            IsClosed: 'true',
            Amount: '12000',
            CloseDate: new Date(T0).toISOString().slice(0, 10),
            CreatedDate: new Date(T0 - 30 * 24 * 60 * MINUTE).toISOString(),
            LastModifiedDate: new Date(T0 - 2 * MINUTE).toISOString(),
            SystemModstamp: new Date(T0 - 2 * MINUTE).toISOString(),
            Lead_ID__c: 'lead_rt_sf',
            Loss_Reason__c: null,
          },
        },
      ],
    });
    counter.reset();

    const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body,
    });

    expect(response.status).toBe(200);
    expect(Object.fromEntries(counter.counts)).toEqual({
      BatchGetItemCommand: 1,
      PutItemCommand: 4,
      UpdateItemCommand: 2,
    });
    await expectDelivered('lead_rt_sf');
    expect(await table.store.getReceipts('salesforce', ['04l5g000000RT01AAA'])).toEqual(
      new Set(['04l5g000000RT01AAA']),
    );
  });
});
