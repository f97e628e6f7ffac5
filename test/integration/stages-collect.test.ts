import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { stageSubjectKey } from '../../lib/domain';
import { sha256Hex } from '../../lib/leads/hash';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock, DAY, HOUR, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';

/**
 * Stages on the collect side: a stage with `onLeadCaptured` is the captured lead itself (Meta's raw lead
 * event), sent once at the capture's time; a stage recorded before its lead was captured waits for it, and
 * goes out when the lead arrives.
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-client-secret-stages-collect';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const STAGES = [
  { name: 'lead', onLeadCaptured: true, meta: { eventName: 'Lead' } },
  { name: 'qualified', hubspot: { dealStages: ['qualifiedtobuy'] }, meta: { eventName: 'LeadQualified' } },
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

async function captureLead(leadId: string, capturedAt: number) {
  const response = await fetch(`${api.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    body: JSON.stringify({
      event: { name: 'lead_created', id: leadId, timestamp: capturedAt },
      context: { url: 'https://example.com/demo?fbclid=IwAR-collect-stage' },
      user: { email: 'lead@example.com' },
      consent: { analytics: true, personalization: true, marketing: true },
    }),
  });
  expect(response.status).toBe(202);
}

describe('stages on capture', () => {
  it('sends the captured lead as its stage once, at the capture time', async () => {
    const capturedAt = T0 - 2 * HOUR;

    await captureLead('lead_raw_1', capturedAt);
    await captureLead('lead_raw_1', capturedAt + MINUTE);

    expect([...platforms.meta.events.keys()]).toEqual(['Lead|lead_raw_1:lead']);
    expect(platforms.meta.events.get('Lead|lead_raw_1:lead')).toEqual({
      event_name: 'Lead',
      event_time: Math.floor(capturedAt / 1000),
      action_source: 'system_generated',
      event_id: 'lead_raw_1:lead',
      user_data: {
        external_id: [sha256Hex('lead_raw_1')],
        em: [sha256Hex('lead@example.com')],
        fbc: `fb.1.${capturedAt}.IwAR-collect-stage`,
      },
      custom_data: { event_source: 'crm', lead_event_source: 'API', funnel_stage: 'lead' },
    });
    expect(platforms.meta.eventsReceived).toBe(1);
  });

  it('a stage recorded before its lead waits for it and goes out when the lead is captured', async () => {
    hubspot.deals.set('901', {
      dealstage: 'qualifiedtobuy',
      pipeline: 'default',
      amount: '1000',
      hs_is_closed_won: 'false',
      hs_is_closed: 'false',
      hs_lastmodifieddate: new Date(T0 - MINUTE).toISOString(),
      lead_id: 'lead_late_1',
    });
    const body = JSON.stringify([hubspotStageEvent(99001, 901, 'qualifiedtobuy', T0 - HOUR)]);
    const webhook = await fetch(`${api.baseUrl}/webhooks/hubspot`, {
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
    expect(webhook.status).toBe(200);
    const waiting = await table.store.getDeliveries([
      { subjectKey: stageSubjectKey('qualified', 'lead_late_1'), destination: 'meta' },
    ]);
    expect([...waiting.values()].map((delivery) => delivery.status)).toEqual(['waiting_for_lead']);
    expect(platforms.meta.eventsReceived).toBe(0);

    await captureLead('lead_late_1', T0 - 3 * DAY);

    expect([...platforms.meta.events.keys()].sort()).toEqual([
      'LeadQualified|lead_late_1:qualified',
      'Lead|lead_late_1:lead',
    ]);
    expect(platforms.meta.events.get('LeadQualified|lead_late_1:qualified')).toMatchObject({
      event_time: Math.floor((T0 - HOUR) / 1000),
      user_data: { em: [sha256Hex('lead@example.com')] },
    });
  });
});
