import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { stageSubjectKey } from '../../lib/domain';
import { sha256Hex } from '../../lib/leads/hash';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { statusOutput } from '../../local/status-output';
import { createClock, DAY, HOUR, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { dueItems } from '../support/table-items';
import { countCommands } from '../support/write-counter';

/**
 * Funnel stages through the local server: a HubSpot deal moves through the stages CONVERSION_STAGES lists,
 * and each stage reaches Google (its own conversion action) and Meta (its own event name) once per lead,
 * stamped with the time the deal entered it, beside the close (keyed by the lead ID alone).
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-client-secret-stages';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const LEAD = 'lead_stage_1';

const TEST_STAGES = [
  {
    name: 'qualified',
    hubspot: { dealStages: ['qualifiedtobuy'] },
    value: { fixed: 250, currency: 'USD' },
    google: { conversionAction: ACCOUNTS.stageQualified },
    meta: { eventName: 'LeadQualified' },
  },
  {
    name: 'proposal',
    hubspot: { dealStages: ['contractsent'] },
    value: { fractionOfAmount: 0.2 },
    google: { conversionAction: ACCOUNTS.stageProposal },
    meta: { eventName: 'LeadProposal' },
  },
];

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;
let counter: ReturnType<typeof countCommands>;
let store: TestTable['store'];

beforeEach(async () => {
  clock = createClock(T0, { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  hubspot = await startFakeHubspot();
  counter = countCommands(table.client);
  store = table.store;
  const runtime = createTestRuntime(
    table,
    {
      ...platforms.env,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      PUBLIC_BASE_URL: BASE,
      CONVERSION_STAGES: JSON.stringify(TEST_STAGES),
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

async function captureLead(leadId: string) {
  const response = await fetch(`${api.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    body: JSON.stringify({
      event: { name: 'lead_created', id: leadId, timestamp: T0 - 20 * DAY },
      context: { url: 'https://example.com/demo?gclid=EAIaIQobChMI-stage-gclid&fbclid=IwAR-stage-fbclid' },
      user: { email: 'jane.doe@example.com' },
      consent: { analytics: true, personalization: true, marketing: true },
    }),
  });
  expect(response.status).toBe(202);
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

function openDeal(dealstage: string, extra: Record<string, string> = {}) {
  return {
    dealstage,
    pipeline: 'default',
    amount: '4500',
    deal_currency_code: 'EUR',
    hs_is_closed_won: 'false',
    hs_is_closed: 'false',
    createdate: new Date(T0 - 30 * DAY).toISOString(),
    hs_lastmodifieddate: new Date(T0 - MINUTE).toISOString(),
    lead_id: LEAD,
    ...extra,
  };
}

const metaKeys = () => [...platforms.meta.events.keys()].sort();
const googleKeys = () => [...platforms.dataManager.conversions.keys()].sort();

describe('HubSpot deal stages → Google and Meta', () => {
  it('sends the stage the deal entered, once per destination, at the time it entered it', async () => {
    await captureLead(LEAD);
    hubspot.deals.set('801', openDeal('qualifiedtobuy'));
    const enteredAt = T0 - 5 * HOUR;

    const answer = await postHubspot([hubspotStageEvent(91001, 801, 'qualifiedtobuy', enteredAt)]);

    expect(answer).toEqual({
      status: 200,
      body: { received: 1, recorded: 0, duplicates: 0, ignored: 1, deferred: 0, stages: 1 },
    });
    expect(metaKeys()).toEqual([`LeadQualified|${LEAD}:qualified`]);
    expect(platforms.meta.events.get(`LeadQualified|${LEAD}:qualified`)).toEqual({
      event_name: 'LeadQualified',
      // The stage's own time, never the processing time (T0).
      event_time: Math.floor(enteredAt / 1000),
      action_source: 'system_generated',
      event_id: `${LEAD}:qualified`,
      user_data: {
        external_id: [sha256Hex(LEAD)],
        em: [sha256Hex('jane.doe@example.com')],
        fbc: `fb.1.${T0 - 20 * DAY}.IwAR-stage-fbclid`,
      },
      custom_data: {
        event_source: 'crm',
        lead_event_source: 'HubSpot',
        funnel_stage: 'qualified',
        value: 250,
        currency: 'USD',
      },
    });
    expect(googleKeys()).toEqual([`${ACCOUNTS.stageQualified}|${LEAD}:qualified`]);
    expect(
      platforms.dataManager.conversions.get(`${ACCOUNTS.stageQualified}|${LEAD}:qualified`)?.event,
    ).toEqual({
      destinationReferences: [`action-${ACCOUNTS.stageQualified}`],
      transactionId: `${LEAD}:qualified`,
      eventTimestamp: new Date(enteredAt).toISOString(),
      lastUpdatedTimestamp: expect.any(String),
      conversionValue: 250,
      currency: 'USD',
      eventSource: 'OTHER',
      adIdentifiers: { gclid: 'EAIaIQobChMI-stage-gclid' },
      userData: { userIdentifiers: [{ emailAddress: sha256Hex('jane.doe@example.com') }] },
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
    });
    const key = stageSubjectKey('qualified', LEAD);
    const deliveries = await table.store.getDeliveries([
      { subjectKey: key, destination: 'google-ads' },
      { subjectKey: key, destination: 'meta' },
    ]);
    expect([...deliveries.values()].map((delivery) => delivery.status).sort()).toEqual([
      'accepted',
      'delivered',
    ]);
  });

  it('skips ahead: a deal that enters a later stage sends the earlier ones too, once', async () => {
    await captureLead(LEAD);
    // HubSpot kept when the deal entered Qualified; it never entered anything between.
    hubspot.deals.set(
      '802',
      openDeal('contractsent', { hs_v2_date_entered_qualifiedtobuy: String(T0 - 2 * DAY) }),
    );
    const enteredAt = T0 - HOUR;

    await postHubspot([hubspotStageEvent(92001, 802, 'contractsent', enteredAt)]);

    expect(metaKeys()).toEqual([`LeadProposal|${LEAD}:proposal`, `LeadQualified|${LEAD}:qualified`]);
    expect(platforms.meta.events.get(`LeadQualified|${LEAD}:qualified`)).toMatchObject({
      event_time: Math.floor((T0 - 2 * DAY) / 1000),
    });
    expect(platforms.meta.events.get(`LeadProposal|${LEAD}:proposal`)).toMatchObject({
      event_time: Math.floor(enteredAt / 1000),
      custom_data: { funnel_stage: 'proposal', value: 900, currency: 'EUR' },
    });
    expect(googleKeys()).toEqual([
      `${ACCOUNTS.stageQualified}|${LEAD}:qualified`,
      `${ACCOUNTS.stageProposal}|${LEAD}:proposal`,
    ]);
    expect(platforms.meta.eventsReceived).toBe(2);
    expect(platforms.dataManager.eventsReceived).toBe(2);
  });

  it('sends nothing new when the deal moves back and forward again', async () => {
    await captureLead(LEAD);
    hubspot.deals.set('803', openDeal('qualifiedtobuy'));
    await postHubspot([hubspotStageEvent(93001, 803, 'qualifiedtobuy', T0 - 3 * HOUR)]);

    hubspot.deals.set('803', openDeal('appointmentscheduled'));
    await postHubspot([hubspotStageEvent(93002, 803, 'appointmentscheduled', T0 - 2 * HOUR)]);
    hubspot.deals.set('803', openDeal('qualifiedtobuy'));
    const again = await postHubspot([hubspotStageEvent(93003, 803, 'qualifiedtobuy', T0 - HOUR)]);

    expect(again.body).toMatchObject({ stages: 0 });
    expect(platforms.meta.eventsReceived).toBe(1);
    expect(platforms.dataManager.eventsReceived).toBe(1);
    // The stage keeps the time it was first entered.
    expect(platforms.meta.events.get(`LeadQualified|${LEAD}:qualified`)).toMatchObject({
      event_time: Math.floor((T0 - 3 * HOUR) / 1000),
    });
  });

  it('ten concurrent deliveries of one stage change, and a retry, send one conversion per destination', async () => {
    await captureLead(LEAD);
    hubspot.deals.set('804', openDeal('qualifiedtobuy'));
    const event = hubspotStageEvent(94001, 804, 'qualifiedtobuy', T0 - HOUR);

    const answers = await Promise.all(Array.from({ length: 10 }, () => postHubspot([event])));
    const retry = await postHubspot([{ ...event, attemptNumber: 1 }]);

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(answers.reduce((sum, answer) => sum + Number(answer.body.stages), 0)).toBe(1);
    expect(retry.body).toMatchObject({ duplicates: 1, stages: 0 });
    expect(platforms.meta.eventsReceived).toBe(1);
    expect(platforms.dataManager.eventsReceived).toBe(1);
  });

  it('keeps the close keyed by the lead ID beside its stages; the close implies the stages not yet sent', async () => {
    await captureLead(LEAD);
    hubspot.deals.set('805', openDeal('qualifiedtobuy'));
    await postHubspot([hubspotStageEvent(95001, 805, 'qualifiedtobuy', T0 - 3 * HOUR)]);
    const closedAt = T0 - HOUR;
    hubspot.deals.set(
      '805',
      openDeal('closedwon', {
        hs_is_closed_won: 'true',
        hs_is_closed: 'true',
        closedate: new Date(closedAt).toISOString(),
      }),
    );

    const answer = await postHubspot([hubspotStageEvent(95002, 805, 'closedwon', closedAt)]);

    expect(answer.body).toMatchObject({ recorded: 1, stages: 1 });
    expect(googleKeys()).toEqual(
      [
        `${ACCOUNTS.won}|${LEAD}`,
        `${ACCOUNTS.stageQualified}|${LEAD}:qualified`,
        `${ACCOUNTS.stageProposal}|${LEAD}:proposal`,
      ].sort(),
    );
    expect(metaKeys()).toEqual([
      `LeadClosed|${LEAD}`,
      `LeadProposal|${LEAD}:proposal`,
      `LeadQualified|${LEAD}:qualified`,
    ]);
    expect(platforms.meta.events.get(`LeadClosed|${LEAD}`)).toMatchObject({ event_id: LEAD });
    expect(platforms.meta.events.get(`LeadProposal|${LEAD}:proposal`)).toMatchObject({
      event_time: Math.floor(closedAt / 1000),
      custom_data: { value: 900, currency: 'EUR' },
    });
    expect(platforms.meta.eventsReceived).toBe(3);
    expect(platforms.dataManager.eventsReceived).toBe(3);
  });

  it('a stage change costs its own DynamoDB calls (docs/performance.md): 2 BatchGetItem, 4 PutItem, 1 UpdateItem', async () => {
    await captureLead(LEAD);
    hubspot.deals.set('806', openDeal('qualifiedtobuy'));
    counter.reset();

    await postHubspot([hubspotStageEvent(96001, 806, 'qualifiedtobuy', T0 - HOUR)]);

    // Receipts and pointers; the stage's deliveries and lead. The stage, the receipt, two deliveries (Data
    // Manager's carrying its processing check). The stage leaves the due index.
    expect(Object.fromEntries(counter.counts)).toEqual({
      BatchGetItemCommand: 2,
      PutItemCommand: 4,
      UpdateItemCommand: 1,
    });
    expect(await dueItems(table)).toEqual([]);
  });

  it('npm run status shows the stages by destination and status, and --subject shows a lead’s stages', async () => {
    await captureLead(LEAD);
    hubspot.deals.set('807', openDeal('contractsent'));
    await postHubspot([hubspotStageEvent(97001, 807, 'contractsent', T0 - HOUR)]);
    const options = { now: clock.now(), table: 'test', stages: TEST_STAGES.map((stage) => stage.name) };

    const text = await statusOutput(store, [], options);
    const json = JSON.parse(await statusOutput(store, ['--json'], options)) as { stages: unknown[] };
    const subject = await statusOutput(store, ['--subject', LEAD], options);
    const subjectJson = JSON.parse(await statusOutput(store, ['--subject', LEAD, '--json'], options)) as {
      found: boolean;
      stages: {
        subjectKey: string;
        subject: { stage: string; reachedAt: number };
        destinations: unknown[];
      }[];
    };

    expect(text).toContain('funnel stages (leads per stage, destination and status):');
    expect(text).toMatch(/qualified\s+google-ads\s+accepted 1/);
    expect(text).toMatch(/proposal\s+meta\s+delivered 1/);
    expect(json.stages).toEqual(
      expect.arrayContaining([
        { stage: 'qualified', destination: 'meta', statuses: { delivered: 1 } },
        { stage: 'proposal', destination: 'google-ads', statuses: { accepted: 1 } },
      ]),
    );
    expect(subject).toContain(`${LEAD}: no close or order recorded`);
    expect(subject).toContain(
      `stage:qualified:${LEAD} · stage qualified 250 USD · reached ${new Date(T0 - HOUR).toISOString().replace('.000Z', 'Z')}`,
    );
    expect(subjectJson.found).toBe(false);
    expect(
      subjectJson.stages.map((stage) => [stage.subjectKey, stage.subject.stage, stage.destinations.length]),
    ).toEqual([
      [`stage:qualified:${LEAD}`, 'qualified', 2],
      [`stage:proposal:${LEAD}`, 'proposal', 2],
    ]);
  });
});
