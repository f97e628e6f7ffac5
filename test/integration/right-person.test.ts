import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import type { Runtime } from '../../functions/runtime';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { sha256Hex } from '../../lib/leads/hash';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { assertSummary, invokeBackfill, salesforceOpportunity } from '../support/backfill';
import { createClock, HOUR, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { type FakeSalesforce, startFakeSalesforce } from '../support/fakes/salesforce';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { outboundMessage } from '../support/salesforce-soap';

/**
 * Issue 16 item 2, through the local server to every platform's fake: a close joined to its lead carries the
 * lead's identity, completed with a CRM contact's only when that contact is the same person; without a lead,
 * only the deal's primary contact — HubSpot's labelled association (HUBSPOT_PRIMARY_CONTACT_LABEL, else the
 * first), Salesforce's `OpportunityContactRole` with `IsPrimary = true`, read in one SOQL query per message
 * or polled page (the Salesforce fake holds the query to its one shape).
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-client-secret-person';
const SF_ORG = '00D5g000004ABCDEA4';
const SF_TOKEN = 'salesforce-path-token-person-0123';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** Three people: the lead, a colleague on the same deal, and the deal's decision maker. */
const LEAD_PERSON = { email: 'lead.person@example.com', phone: '+14155550100' };
const COLLEAGUE = {
  email: 'colleague@example.org',
  phone: '+442071838750',
  firstname: 'Colin',
  lastname: 'League',
};
const DECIDER = { email: 'decider@example.net', phone: '+33142685300', firstname: 'Dora', lastname: 'Cider' };

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let salesforce: FakeSalesforce;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;
let runtime: Runtime;

async function start(env: Record<string, string> = {}) {
  runtime = createTestRuntime(
    table,
    {
      ...platforms.env,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      SALESFORCE_ORG_ID: SF_ORG,
      SALESFORCE_WEBHOOK_TOKEN: SF_TOKEN,
      SALESFORCE_INSTANCE_URL: salesforce.baseUrl,
      SALESFORCE_ACCESS_TOKEN: salesforce.token,
      PUBLIC_BASE_URL: BASE,
      ...env,
    },
    { now: clock.now },
  );
  api = await startLocalApi({
    collect: createCollectHandler(runtime),
    'hubspot-webhook': createHubspotWebhookHandler(runtime),
    'salesforce-webhook': createSalesforceWebhookHandler(runtime),
  });
}

beforeEach(async () => {
  clock = createClock(T0, { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now, extended: true });
  hubspot = await startFakeHubspot();
  salesforce = await startFakeSalesforce();
});

afterEach(async () => {
  await api.close();
  expect(platforms.violations()).toEqual([]);
  expect(hubspot.violations).toEqual([]);
  expect(salesforce.violations).toEqual([]);
  await Promise.all([platforms.close(), hubspot.close(), salesforce.close()]);
});

/** Every body any ad platform received, as one text to search hashes in. */
function everythingSent(): string {
  const fakes = [platforms.dataManager, platforms.ads, platforms.meta, platforms.ga4, platforms.tiktok];
  return JSON.stringify(fakes.flatMap((fake) => fake.requests.map((request) => request.body)));
}

/** Each platform's hash of a person's email: Meta's and TikTok's, Google's (no gmail here: the same). */
const emailHash = (email: string) => sha256Hex(email);

async function captureLead(leadId: string, user: Record<string, string> = LEAD_PERSON) {
  const response = await fetch(`${api.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    body: JSON.stringify({
      event: { name: 'lead_created', id: leadId, timestamp: T0 - 10 * 24 * HOUR },
      context: {
        url: 'https://example.com/demo?gclid=EAIaIQobChMI-person-gclid&ttclid=E.C.P.person',
        click_ids: { _ga: 'GA1.1.1111111111.1762092300' },
      },
      user,
      consent: { analytics: true, personalization: true, marketing: true },
    }),
  });
  expect(response.status).toBe(202);
}

async function closeHubspotDeal(dealId: number, eventId: number) {
  const body = JSON.stringify([hubspotStageEvent(eventId, dealId, 'closedwon', T0 - MINUTE)]);
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
}

const WON_DEAL = {
  dealstage: 'closedwon',
  pipeline: 'default',
  amount: '4500',
  deal_currency_code: 'USD',
  hs_is_closed_won: 'true',
  hs_is_closed: 'true',
  closedate: new Date(T0 - 3 * MINUTE).toISOString(),
  hs_lastmodifieddate: new Date(T0 - 2 * MINUTE).toISOString(),
};

describe('a close joined to its lead: the same-person rule', () => {
  it('a second contact of the deal never reaches any platform', async () => {
    await start();
    await captureLead('lead_person');
    hubspot.deals.set('301', { ...WON_DEAL, lead_id: 'lead_person' });
    hubspot.associations.set('301', ['601']);
    hubspot.contacts.set('601', COLLEAGUE);

    await closeHubspotDeal(301, 1);

    // Every platform got the close, under the lead's identity alone.
    expect(platforms.meta.eventsReceived).toBe(1);
    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect(platforms.tiktok.requests.length).toBeGreaterThan(0);
    expect(platforms.ga4.requests.length).toBeGreaterThan(0);
    const sent = everythingSent();
    expect(sent).toContain(emailHash(LEAD_PERSON.email));
    for (const hash of [
      emailHash(COLLEAGUE.email),
      sha256Hex('442071838750'),
      sha256Hex('+442071838750'),
      sha256Hex('colin'),
      sha256Hex('league'),
    ]) {
      expect(sent).not.toContain(hash);
    }
  });

  it("the lead's own person as the deal's contact completes the lead (a second email, a name)", async () => {
    await start();
    await captureLead('lead_same', { email: LEAD_PERSON.email });
    hubspot.deals.set('302', { ...WON_DEAL, lead_id: 'lead_same' });
    hubspot.associations.set('302', ['602']);
    hubspot.contacts.set('602', {
      email: LEAD_PERSON.email,
      hs_additional_emails: 'lead.work@example.com',
      firstname: 'Lee',
      lastname: 'Person',
    });

    await closeHubspotDeal(302, 2);

    const meta = platforms.meta.events.get('LeadClosed|lead_same') as { user_data: Record<string, unknown> };
    expect(meta.user_data.em).toEqual([emailHash(LEAD_PERSON.email), emailHash('lead.work@example.com')]);
    expect(meta.user_data.fn).toBe(sha256Hex('lee'));
  });
});

describe("without a lead: the deal's primary contact only", () => {
  it('HubSpot: the contact labelled HUBSPOT_PRIMARY_CONTACT_LABEL, not the first one', async () => {
    await start({ HUBSPOT_PRIMARY_CONTACT_LABEL: 'decision maker' });
    hubspot.deals.set('303', WON_DEAL);
    hubspot.associations.set('303', ['603', '604']);
    hubspot.associationLabels.set('303:604', ['Decision maker']);
    hubspot.contacts.set('603', COLLEAGUE);
    hubspot.contacts.set('604', DECIDER);

    await closeHubspotDeal(303, 3);

    const close = await table.store.getClose('hubspot-deal:303');
    expect(close?.contactIdentity?.meta.em).toEqual([emailHash(DECIDER.email)]);
    const meta = platforms.meta.events.get('LeadClosed|hubspot-deal:303') as {
      user_data: Record<string, unknown>;
    };
    expect(meta.user_data.em).toEqual([emailHash(DECIDER.email)]);
    expect(everythingSent()).not.toContain(emailHash(COLLEAGUE.email));
  });

  it('HubSpot: the first contact when no association carries the label', async () => {
    await start({ HUBSPOT_PRIMARY_CONTACT_LABEL: 'Decision maker' });
    hubspot.deals.set('304', WON_DEAL);
    hubspot.associations.set('304', ['605', '606']);
    hubspot.associationLabels.set('304:606', ['Billing']);
    hubspot.contacts.set('605', COLLEAGUE);
    hubspot.contacts.set('606', DECIDER);

    await closeHubspotDeal(304, 4);

    expect((await table.store.getClose('hubspot-deal:304'))?.contactIdentity?.meta.em).toEqual([
      emailHash(COLLEAGUE.email),
    ]);
    expect(everythingSent()).not.toContain(emailHash(DECIDER.email));
  });

  it("Salesforce: a close without a lead ID is delivered with its primary contact's identity, one query per message", async () => {
    await start();
    salesforce.contactRoles.push(
      { OpportunityId: '0065g00000PRMaaAAV', IsPrimary: false, Contact: { Email: COLLEAGUE.email } },
      {
        OpportunityId: '0065g00000PRMaaAAV',
        IsPrimary: true,
        Contact: { Email: DECIDER.email, Phone: DECIDER.phone, FirstName: 'Dora', LastName: 'Cider' },
      },
      {
        OpportunityId: '0065g00000PRNaaAAV',
        IsPrimary: true,
        Contact: { Email: 'other.primary@example.com' },
      },
    );
    const won = (id: string) => ({
      StageName: 'Closed Won',
      IsWon: 'true',
      IsClosed: 'true',
      Amount: '9000.0',
      LastModifiedDate: '2026-11-20T11:50:00.000Z',
      SystemModstamp: '2026-11-20T11:50:00.000Z',
      Id: id,
    });
    const soap = outboundMessage({
      organizationId: SF_ORG,
      notifications: [
        { id: '04l5g000001PRMAAA4', fields: won('0065g00000PRMaaAAV') },
        { id: '04l5g000001PRNAAA4', fields: won('0065g00000PRNaaAAV') },
      ],
    });

    const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: soap,
    });

    expect(response.status).toBe(200);
    expect(salesforce.queries).toEqual([
      "SELECT OpportunityId,Contact.Email,Contact.Phone,Contact.MobilePhone,Contact.FirstName,Contact.LastName,Contact.MailingStreet,Contact.MailingCity,Contact.MailingState,Contact.MailingPostalCode,Contact.MailingCountry FROM OpportunityContactRole WHERE IsPrimary = true AND OpportunityId IN ('0065g00000PRMaaAAV','0065g00000PRNaaAAV')",
    ]);
    const key = 'salesforce-deal:0065g00000PRMaaAAV';
    const meta = platforms.meta.events.get(`LeadClosed|${key}`) as { user_data: Record<string, unknown> };
    expect(meta.user_data).toMatchObject({
      em: [emailHash(DECIDER.email)],
      ph: [sha256Hex('33142685300')],
      fn: sha256Hex('dora'),
    });
    const google = platforms.dataManager.conversions.get(`111111|${key}`)?.event as {
      userData: { userIdentifiers: unknown[] };
    };
    expect(google.userData.userIdentifiers).toEqual(
      expect.arrayContaining([
        { emailAddress: emailHash(DECIDER.email) },
        { phoneNumber: sha256Hex(DECIDER.phone) },
      ]),
    );
    expect(everythingSent()).not.toContain(emailHash(COLLEAGUE.email));
    const deliveries = await table.store.getDeliveries([
      { subjectKey: key, destination: 'google-ads' },
      { subjectKey: key, destination: 'meta' },
    ]);
    expect([...deliveries.values()].map((delivery) => delivery.status).sort()).toEqual([
      'accepted',
      'delivered',
    ]);
  });

  it('Salesforce polling: the same, one contact-role query per page', async () => {
    await start();
    await runtime.store.putCheckpoint(
      { source: 'salesforce', until: T0 - HOUR, updatedAt: T0 - HOUR },
      undefined,
    );
    await runtime.store.putCheckpoint(
      { source: 'hubspot', until: T0 - HOUR, updatedAt: T0 - HOUR },
      undefined,
    );
    salesforce.pageSize = 10;
    salesforce.records.push(
      salesforceOpportunity('0065g00000POLaaAAV', '', T0 - 40 * MINUTE, { Lead_ID__c: null }),
      salesforceOpportunity('0065g00000POMaaAAV', 'lead-with-id', T0 - 30 * MINUTE),
    );
    salesforce.contactRoles.push(
      { OpportunityId: '0065g00000POLaaAAV', IsPrimary: true, Contact: { Email: DECIDER.email } },
      { OpportunityId: '0065g00000POMaaAAV', IsPrimary: true, Contact: { Email: COLLEAGUE.email } },
    );

    assertSummary(await invokeBackfill(runtime, clock));

    const roleQueries = salesforce.queries.filter((soql) => soql.includes('FROM OpportunityContactRole'));
    // Only the close without a lead ID needs its contact: the other is its lead's person's.
    expect(roleQueries).toEqual([expect.stringContaining("OpportunityId IN ('0065g00000POLaaAAV')")]);
    expect(
      (await table.store.getClose('salesforce-deal:0065g00000POLaaAAV'))?.contactIdentity?.meta.em,
    ).toEqual([emailHash(DECIDER.email)]);
    expect(everythingSent()).not.toContain(emailHash(COLLEAGUE.email));
  });
});
