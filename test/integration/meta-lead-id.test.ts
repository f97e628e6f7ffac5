import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { decideMetaLeadStage } from '../../lib/destinations/meta/lead-stage';
import { serializeMetaBody } from '../../lib/destinations/meta/request';
import { type LeadRecord, type StageRecord, stageSubjectKey } from '../../lib/domain';
import { sha256Hex } from '../../lib/leads/hash';
import { createClock, HOUR, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { startLocalApi } from '../support/local-api';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * Issue 16 item 3: a lead that came through a Meta Instant Form carries Meta's lead ID
 * (`context.click_ids.meta_lead_id`, Reshape and Croct alike); every Meta event of that lead sends it
 * unhashed as `user_data.lead_id`, a JSON integer of 15–17 digits (Meta's CRM payload spec) — exactly,
 * although 17 digits are beyond what a JavaScript number holds. The Meta fake refuses a quoted one.
 */
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const LEADGEN_ID = '12345678901234567';

let table: TestTable;
let platforms: Platforms;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;

beforeEach(async () => {
  clock = createClock(T0, { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  const runtime = createTestRuntime(table, platforms.env, { now: clock.now });
  api = await startLocalApi({ collect: createCollectHandler(runtime) });
});

afterEach(async () => {
  await api.close();
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function collect(body: unknown) {
  const response = await fetch(`${api.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { issues?: unknown[] } };
}

const CONSENT = { analytics: true, personalization: true, marketing: true };
const close = (leadId: string) => ({
  event: { name: 'lead_closed', id: leadId, value: 900, currency: 'EUR', timestamp: T0 - HOUR },
  user: {},
});

describe('Meta Lead Ads lead ID', () => {
  it('a Reshape lead_created with context.click_ids.meta_lead_id: lead_id on its Meta event, a JSON integer', async () => {
    const captured = await collect({
      event: { name: 'lead_created', id: 'lead_form_1', timestamp: T0 - 2 * HOUR },
      context: { click_ids: { meta_lead_id: LEADGEN_ID } },
      user: { email: 'form.lead@example.com' },
      consent: CONSENT,
    });
    expect(captured.status).toBe(202);
    expect((await table.store.getLead('lead_form_1'))?.metaLeadId).toBe(LEADGEN_ID);

    expect((await collect(close('lead_form_1'))).status).toBe(202);

    const event = platforms.meta.events.get('LeadClosed|lead_form_1') as {
      user_data: Record<string, unknown>;
    };
    expect(event.user_data.lead_id).toBe(LEADGEN_ID);
    const [request] = platforms.meta.requests;
    expect(request?.rawBody).toContain(`"lead_id":${LEADGEN_ID}`);
    expect(request?.rawBody).not.toContain(`"lead_id":"`);
  });

  it('a Croct leadGenerated with the same context field', async () => {
    const captured = await collect({
      leadId: 'lead_croct_form',
      lead: { email: 'croct.form@example.com' },
      context: { click_ids: { meta_lead_id: '987654321098765' } },
      consent: CONSENT,
      timestamp: T0 - 2 * HOUR,
    });
    expect(captured.status).toBe(202);
    expect((await collect(close('lead_croct_form'))).status).toBe(202);
    expect(platforms.meta.requests[0]?.rawBody).toContain('"lead_id":987654321098765');
  });

  it('never sends lead_id for a lead without one (the connector’s own ID is external_id)', async () => {
    await collect({
      event: { name: 'lead_created', id: 'lead_web' },
      user: { email: 'w@example.com' },
      consent: CONSENT,
    });
    await collect(close('lead_web'));
    const event = platforms.meta.events.get('LeadClosed|lead_web') as { user_data: Record<string, unknown> };
    expect(event.user_data).not.toHaveProperty('lead_id');
  });

  it.each([
    ['14 digits', '12345678901234', "must be Meta's 15–17-digit lead ID (leadgen_id)"],
    ['letters', 'l:12345678901234567', "must be Meta's 15–17-digit lead ID (leadgen_id)"],
    ['a JSON number above 2^53', 2 ** 56, 'must be sent as a string: as a JSON number it has lost digits'],
  ])(
    'refuses a meta_lead_id of %s with a 400 naming the field, writing nothing',
    async (_, value, message) => {
      const before = await scanTable(table);
      const answer = await collect({
        event: { name: 'lead_created', id: 'lead_bad_form' },
        context: { click_ids: { meta_lead_id: value } },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toContainEqual({ field: 'context.click_ids.meta_lead_id', message });
      expect(await scanTable(table)).toEqual(before);
    },
  );
});

describe('serializeMetaBody', () => {
  it('writes a 15–17-digit lead_id as bare digits and everything else as JSON.stringify would', () => {
    const body = {
      data: [{ user_data: { lead_id: LEADGEN_ID, em: ['a'] }, custom_data: { note: 'lead_id' } }],
    };
    expect(serializeMetaBody(body)).toBe(
      `{"data":[{"user_data":{"lead_id":${LEADGEN_ID},"em":["a"]},"custom_data":{"note":"lead_id"}}]}`,
    );
    expect(serializeMetaBody({ user_data: { em: ['a'] } })).toBe(
      JSON.stringify({ user_data: { em: ['a'] } }),
    );
  });
});

describe('every Meta event of the lead carries it: a funnel stage too', () => {
  it('decideMetaLeadStage sends the lead’s lead_id', () => {
    const lead: LeadRecord = {
      leadId: 'lead_stage_form',
      source: 'reshape',
      capturedAt: T0 - 2 * HOUR,
      updatedAt: T0 - 2 * HOUR,
      revision: 1,
      clickIds: {},
      identity: { google: { emails: [], phones: [] }, meta: { em: [sha256Hex('s@example.com')], ph: [] } },
      metaLeadId: LEADGEN_ID,
    };
    const stage: StageRecord = {
      kind: 'stage',
      subjectKey: stageSubjectKey('qualified', lead.leadId),
      leadKey: lead.leadId,
      leadId: lead.leadId,
      stage: 'qualified',
      crm: 'hubspot',
      origin: 'deal',
      implied: false,
      reachedAt: T0 - HOUR,
      targets: { meta: { eventName: 'LeadQualified' } },
      version: 1,
      recordedAt: T0 - HOUR,
      updatedAt: T0 - HOUR,
      planned: false,
    };
    const decision = decideMetaLeadStage({
      type: 'lead_stage',
      stage,
      crmDisplayName: 'HubSpot',
      lead,
      identity: lead.identity,
      consent: undefined,
      delivered: undefined,
      now: T0,
    });
    expect(decision).toMatchObject({ kind: 'send', row: { user_data: { lead_id: LEADGEN_ID } } });
  });
});
