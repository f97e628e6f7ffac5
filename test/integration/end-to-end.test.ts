import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { sha256Hex } from '../../lib/leads/hash';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { startLocalApi } from '../support/local-api';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';

/**
 * The whole loop through the local server, as a deployment runs it: a lead is captured, its deal
 * closes in the CRM, the webhook is answered, and exactly one conversion reaches each ad platform
 * (counted at the loopback fakes, which check every request against the platform's contract).
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-client-secret-e2e';
const SF_ORG = '00D5g000004ABCDEA4';
const SF_TOKEN = 'salesforce-path-token-e2e-0123';
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
      event: { name: 'lead_created', id: leadId, timestamp: T0 - 20 * 24 * 60 * MINUTE },
      context: {
        url: 'https://example.com/demo?gclid=EAIaIQobChMI-e2e-gclid&fbclid=IwAR-e2e-fbclid',
        ip: '203.0.113.10',
        user_agent: 'Mozilla/5.0 (e2e)',
      },
      user: {
        email: ' Jane.Doe+ads@GMail.com ',
        phone: '(415) 555-0100',
        first_name: 'Jane',
        last_name: 'Doe',
        country: 'US',
        postal_code: '94105',
      },
      consent: { analytics: true, personalization: true, marketing: true },
    }),
  });
  expect(response.status).toBe(202);
}

describe('lead_created → HubSpot closed-won webhook → Google Data Manager and Meta', () => {
  it('uploads one conversion to each platform with the exact hashed fields', async () => {
    const captureMs = T0 - 20 * 24 * 60 * MINUTE;
    await captureLead('lead_e2e_won');
    hubspot.deals.set('701', {
      dealstage: 'closedwon',
      pipeline: 'default',
      amount: '4500',
      deal_currency_code: 'USD',
      hs_is_closed_won: 'true',
      hs_is_closed: 'true',
      createdate: new Date(T0 - 45 * 24 * 60 * MINUTE - 10 * MINUTE).toISOString(),
      closedate: new Date(T0 - 3 * MINUTE).toISOString(),
      hs_lastmodifieddate: new Date(T0 - 2 * MINUTE).toISOString(),
      dealtype: 'newbusiness',
      lead_id: 'lead_e2e_won',
    });
    const closedAt = T0 - 2 * MINUTE;
    const body = JSON.stringify([
      {
        eventId: 77001,
        subscriptionId: 1,
        portalId: 62515,
        appId: 54321,
        occurredAt: closedAt,
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: 701,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
        changeSource: 'CRM_UI',
      },
    ]);

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
    // Google: one conversion for the won action, keyed by the lead ID.
    expect([...platforms.dataManager.conversions.keys()]).toEqual([`${ACCOUNTS.won}|lead_e2e_won`]);
    const google = platforms.dataManager.conversions.get(`${ACCOUNTS.won}|lead_e2e_won`)?.event;
    expect(google).toMatchObject({
      transactionId: 'lead_e2e_won',
      eventTimestamp: new Date(closedAt).toISOString(),
      conversionValue: 4500,
      currency: 'USD',
      eventSource: 'OTHER',
      adIdentifiers: { gclid: 'EAIaIQobChMI-e2e-gclid' },
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
    });
    // Google's rules: gmail dots and +tag removed, E.164 phone, address with clear region and postal code.
    expect(google?.userData).toEqual({
      userIdentifiers: expect.arrayContaining([
        { emailAddress: sha256Hex('janedoe@gmail.com') },
        { phoneNumber: sha256Hex('+14155550100') },
        {
          address: {
            givenName: sha256Hex('jane'),
            familyName: sha256Hex('doe'),
            regionCode: 'US',
            postalCode: '94105',
          },
        },
      ]),
    });
    expect((google?.userData as { userIdentifiers: unknown[] } | undefined)?.userIdentifiers).toHaveLength(3);

    // Meta: one LeadClosed, event_id from the lead ID, Meta's own normalisation.
    expect([...platforms.meta.events.keys()]).toEqual(['LeadClosed|lead_e2e_won']);
    const meta = platforms.meta.events.get('LeadClosed|lead_e2e_won');
    expect(meta).toMatchObject({
      event_name: 'LeadClosed',
      event_time: Math.floor(closedAt / 1000),
      event_id: 'lead_e2e_won',
      action_source: 'system_generated',
      custom_data: {
        value: 4500,
        currency: 'USD',
        event_source: 'crm',
        lead_event_source: 'HubSpot',
        close_outcome: 'won',
        sales_cycle_days: 45,
      },
    });
    expect(meta?.user_data).toMatchObject({
      em: [sha256Hex('jane.doe+ads@gmail.com')],
      ph: [sha256Hex('14155550100')],
      fn: sha256Hex('jane'),
      ln: sha256Hex('doe'),
      zp: sha256Hex('94105'),
      country: sha256Hex('us'),
      external_id: [sha256Hex('lead_e2e_won')],
      fbc: `fb.1.${captureMs}.IwAR-e2e-fbclid`,
      client_ip_address: '203.0.113.10',
      client_user_agent: 'Mozilla/5.0 (e2e)',
    });
    // Each platform saw exactly one event, and the deliveries say so.
    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect(platforms.meta.eventsReceived).toBe(1);
    const deliveries = await table.store.getDeliveries([
      { subjectKey: 'lead_e2e_won', destination: 'google-ads' },
      { subjectKey: 'lead_e2e_won', destination: 'meta' },
    ]);
    // Google's Data Manager took the event (`accepted`); its processing result comes with the backfill.
    expect(
      Object.fromEntries([...deliveries.values()].map((delivery) => [delivery.destination, delivery.status])),
    ).toEqual({ 'google-ads': 'accepted', meta: 'delivered' });
  });
});

describe('lead_created → Salesforce closed-lost Outbound Message → Google Data Manager and Meta', () => {
  it('uploads the lost deal at value 0 to the lost action and to Meta with its closure reason', async () => {
    await captureLead('lead_e2e_lost');
    const modified = '2026-11-20T11:50:00.000Z';
    const soap = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${SF_ORG}</OrganizationId>
   <ActionId>04k5g000000ABCDAAA</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/68.0/00D5g000004ABCD</EnterpriseUrl>
   <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/68.0/00D5g000004ABCD</PartnerUrl>
   <Notification><Id>04l5g000001E2EAAA4</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065g00000E2EaaAAV</sf:Id><sf:StageName>Closed Lost</sf:StageName><sf:IsWon>false</sf:IsWon><sf:IsClosed>true</sf:IsClosed><sf:Amount>9000.0</sf:Amount><sf:CloseDate>2026-11-20</sf:CloseDate><sf:CreatedDate>2026-10-01T08:00:00.000Z</sf:CreatedDate><sf:LastModifiedDate>${modified}</sf:LastModifiedDate><sf:SystemModstamp>${modified}</sf:SystemModstamp><sf:Lead_ID__c>lead_e2e_lost</sf:Lead_ID__c><sf:Loss_Reason__c>Price</sf:Loss_Reason__c></sObject></Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;

    const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: soap,
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Ack>true</Ack>');
    expect([...platforms.dataManager.conversions.keys()]).toEqual([`${ACCOUNTS.lost}|lead_e2e_lost`]);
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.lost}|lead_e2e_lost`)?.event).toMatchObject({
      transactionId: 'lead_e2e_lost',
      eventTimestamp: modified,
      conversionValue: 0,
      currency: 'USD',
      adIdentifiers: { gclid: 'EAIaIQobChMI-e2e-gclid' },
    });
    expect([...platforms.meta.events.keys()]).toEqual(['LeadClosed|lead_e2e_lost']);
    expect(platforms.meta.events.get('LeadClosed|lead_e2e_lost')).toMatchObject({
      event_time: Date.parse(modified) / 1000,
      custom_data: {
        value: 0,
        currency: 'USD',
        event_source: 'crm',
        lead_event_source: 'Salesforce',
        close_outcome: 'lost',
        closure_reason: 'price',
        sales_cycle_days: 50,
      },
    });
    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect(platforms.meta.eventsReceived).toBe(1);
  });
});
