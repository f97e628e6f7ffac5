import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { sha256Hex } from '../../lib/leads/hash';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock, DAY, HOUR, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { startLocalApi } from '../support/local-api';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';

/**
 * A HubSpot contact's lifecycle stage reaches its lead's stages (`hubspot.lifecycleStages`): the contact is
 * read for its lead ID (HUBSPOT_CONTACT_LEAD_ID_PROPERTY) and identifiers, the stage is recorded once at the
 * change's time, and a later lifecycle stage implies the earlier ones.
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-client-secret-contacts';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const STAGES = [
  { name: 'mql', hubspot: { lifecycleStages: ['marketingqualifiedlead'] }, meta: { eventName: 'LeadMql' } },
  {
    name: 'sql',
    hubspot: { dealStages: ['qualifiedtobuy'], lifecycleStages: ['salesqualifiedlead'] },
    meta: { eventName: 'LeadSql' },
  },
];

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
      META_PIXEL_ID: platforms.env.META_PIXEL_ID,
      META_ACCESS_TOKEN: platforms.env.META_ACCESS_TOKEN,
      META_GRAPH_BASE_URL: platforms.env.META_GRAPH_BASE_URL,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      HUBSPOT_CONTACT_LEAD_ID_PROPERTY: 'website_lead_id',
      PUBLIC_BASE_URL: BASE,
      CONVERSION_STAGES: JSON.stringify(STAGES),
    },
    { now: clock.now },
  );
  api = await startLocalApi({
    collect: createCollectHandler(runtime),
    'hubspot-webhook': createHubspotWebhookHandler(runtime),
  });
});

afterEach(async () => {
  await api.close();
  expect(platforms.violations()).toEqual([]);
  expect(hubspot.violations).toEqual([]);
  await Promise.all([platforms.close(), hubspot.close()]);
});

function contactEvent(eventId: number, contactId: number, value: string, occurredAt: number) {
  return {
    eventId,
    subscriptionId: 4322,
    portalId: 62515,
    appId: 54321,
    occurredAt,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: contactId,
    propertyName: 'lifecyclestage',
    propertyValue: value,
    changeSource: 'CRM_UI',
  };
}

async function postHubspot(events: unknown[]) {
  const body = JSON.stringify(events);
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

describe('HubSpot contact lifecycle stages', () => {
  it('records the lead’s stages from its contact’s lifecycle stage, once, at the change’s time', async () => {
    const capture = await fetch(`${api.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
      body: JSON.stringify({
        event: { name: 'lead_created', id: 'lead_contact_1', timestamp: T0 - 3 * DAY },
        context: { url: 'https://example.com/?fbclid=IwAR-contact' },
        consent: { analytics: true, personalization: true, marketing: true },
      }),
    });
    expect(capture.status).toBe(202);
    hubspot.contacts.set('3001', {
      email: 'contact.person@example.org',
      lifecyclestage: 'salesqualifiedlead',
      website_lead_id: 'lead_contact_1',
      hs_lifecyclestage_marketingqualifiedlead_date: String(T0 - 2 * DAY),
    });
    const event = contactEvent(88001, 3001, 'salesqualifiedlead', T0 - HOUR);

    const first = await postHubspot([event]);
    const again = await postHubspot([{ ...event, eventId: 88002 }]);

    expect(first).toEqual({
      status: 200,
      body: { received: 1, recorded: 0, duplicates: 0, ignored: 0, deferred: 0, stages: 2 },
    });
    expect(again.body).toMatchObject({ stages: 0 });
    expect([...platforms.meta.events.keys()].sort()).toEqual([
      'LeadMql|lead_contact_1:mql',
      'LeadSql|lead_contact_1:sql',
    ]);
    expect(platforms.meta.events.get('LeadSql|lead_contact_1:sql')).toMatchObject({
      event_time: Math.floor((T0 - HOUR) / 1000),
      user_data: { em: [sha256Hex('contact.person@example.org')] },
      custom_data: { funnel_stage: 'sql', lead_event_source: 'HubSpot' },
    });
    expect(platforms.meta.events.get('LeadMql|lead_contact_1:mql')).toMatchObject({
      event_time: Math.floor((T0 - 2 * DAY) / 1000),
    });
    expect(platforms.meta.eventsReceived).toBe(2);
  });

  it('a contact without a lead ID reaches nothing', async () => {
    hubspot.contacts.set('3002', { email: 'nobody@example.org', lifecyclestage: 'salesqualifiedlead' });

    const answer = await postHubspot([contactEvent(88101, 3002, 'salesqualifiedlead', T0 - HOUR)]);

    expect(answer.body).toMatchObject({ stages: 0 });
    expect(platforms.meta.eventsReceived).toBe(0);
  });
});
