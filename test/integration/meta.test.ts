import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { sha256Hex } from '../../lib/leads/hash';
import { createClock, DAY, HOUR, T0, type TestClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline, runBackfill } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let sequence = 0;
const nextLeadId = () => `meta-lead-${++sequence}`;

/** A table per test: the backfill reads the whole due index, and must see only this test's work. */
async function setUp(options: { testEventCode?: string } = {}, env: Record<string, string> = {}) {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now, ...options });
  runtime = createTestRuntime(table, { ...platforms.env, ...env }, { now: clock.now });
}

beforeEach(async () => {
  await setUp();
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function wonClose(leadId: string, overrides = {}) {
  await storeLead(runtime.store, leadId);
  return storeClose(runtime.store, closeInput(leadId, overrides));
}

describe('Meta Conversions API destination', () => {
  it('sends a LeadClosed CRM event with the token in the body, never in the URL', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId, { salesCycleDays: 12, closureReason: 'signed' });

    await dispatchInline(runtime, [leadId]);

    const [request] = platforms.meta.requestsTo('events');
    expect(request?.query.get('access_token')).toBeNull();
    expect(request?.body).toMatchObject({ access_token: ACCOUNTS.metaToken });
    const event = platforms.meta.events.get(`LeadClosed|${leadId}`);
    expect(event).toMatchObject({
      event_name: 'LeadClosed',
      event_time: Math.floor((T0 - HOUR) / 1000),
      action_source: 'system_generated',
      event_id: leadId,
      user_data: { external_id: [sha256Hex(leadId)], em: [sha256Hex('jane.doe+ads@gmail.com')] },
      custom_data: {
        value: 4500,
        currency: 'USD',
        event_source: 'crm',
        lead_event_source: 'HubSpot',
        close_outcome: 'won',
        closure_reason: 'signed',
        sales_cycle_days: 12,
      },
    });
    const delivery = (await deliveriesOf(runtime, leadId)).meta;
    expect(delivery).toMatchObject({ status: 'delivered', platformResponseId: 'trace-1', attempts: 1 });
    expect(JSON.stringify(delivery?.payload)).not.toContain(ACCOUNTS.metaToken);
  });

  it('adds test_event_code when configured', async () => {
    await platforms.close();
    await setUp({ testEventCode: 'TEST4242' }, { META_TEST_EVENT_CODE: 'TEST4242' });
    const leadId = nextLeadId();
    await wonClose(leadId);

    await dispatchInline(runtime, [leadId]);

    expect(platforms.meta.requestsTo('events')[0]?.body).toMatchObject({ test_event_code: 'TEST4242' });
  });

  it('names the event by outcome with META_EVENT_NAMING=outcome', async () => {
    await platforms.close();
    await setUp({}, { META_EVENT_NAMING: 'outcome' });
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId, { outcome: 'lost', value: 0, crm: 'salesforce' }));

    await dispatchInline(runtime, [leadId]);

    expect(platforms.meta.events.get(`LeadClosedLost|${leadId}`)?.custom_data).toMatchObject({
      close_outcome: 'lost',
      lead_event_source: 'Salesforce',
    });
  });

  it('skips a close older than 7 days before it can fail a batch', async () => {
    const fresh = nextLeadId();
    const stale = nextLeadId();
    await wonClose(fresh);
    await wonClose(stale, { closedAt: T0 - 8 * DAY, sourceUpdatedAt: T0 - 8 * DAY });

    await dispatchInline(runtime, [fresh, stale]);

    expect((await deliveriesOf(runtime, stale)).meta?.status).toBe('skipped:expired');
    expect((await deliveriesOf(runtime, fresh)).meta?.status).toBe('delivered');
    expect(platforms.meta.requestsTo('events')).toHaveLength(1);
  });

  it.each([1, 2, 4, 17, 341])('retries Meta error code %i', async (code) => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.meta.failNext(platforms.meta.errorReply(code));

    await dispatchInline(runtime, [leadId]);

    const delivery = (await deliveriesOf(runtime, leadId)).meta;
    expect(delivery).toMatchObject({ status: 'retry', lastErrorCode: String(code) });
    const throttled = [4, 17, 341].includes(code);
    expect(delivery?.nextAttemptAt).toBe(T0 + (throttled ? 5 * 60_000 : 45_000));
  });

  it('fails on an expired token (190) as a configuration error', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.meta.failNext(platforms.meta.errorReply(190, { message: 'Error validating access token' }));

    await dispatchInline(runtime, [leadId]);

    const delivery = (await deliveriesOf(runtime, leadId)).meta;
    expect(delivery?.status).toBe('failed:token_expired');
    expect(delivery?.lastError).toContain('META_ACCESS_TOKEN');
  });

  it('fails other codes with the code and a message without PII', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.meta.failNext(
      platforms.meta.errorReply(200, { status: 403, message: 'Permissions error for jane@example.com' }),
    );

    await dispatchInline(runtime, [leadId]);

    const delivery = (await deliveriesOf(runtime, leadId)).meta;
    expect(delivery?.status).toBe('failed:200');
    expect(delivery?.lastError).toContain('[email]');
    expect(delivery?.lastError).not.toContain('jane@example.com');
  });

  it('isolates an event Meta rejects as an invalid parameter', async () => {
    const ids = [nextLeadId(), nextLeadId(), nextLeadId(), nextLeadId()];
    for (const id of ids) await wonClose(id);
    platforms.meta.rejectEvents((event) => event.event_id === ids[2]);

    await dispatchInline(runtime, ids);

    const statuses = await Promise.all(ids.map(async (id) => (await deliveriesOf(runtime, id)).meta?.status));
    expect(statuses).toEqual(['delivered', 'delivered', 'failed:100', 'delivered']);
    expect(platforms.meta.events.size).toBe(3);
  });

  it('does not re-send a re-valued deal, so Meta never counts it twice', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    await dispatchInline(runtime, [leadId]);
    clock.advance(3 * DAY);
    await storeClose(
      runtime.store,
      closeInput(leadId, { value: 9000, sourceUpdatedAt: T0 + DAY }),
      clock.now(),
    );

    await dispatchInline(runtime, [leadId]);

    expect(platforms.meta.requestsTo('events')).toHaveLength(1);
    expect((await deliveriesOf(runtime, leadId)).meta).toMatchObject({
      status: 'skipped:revalue_unsupported',
      delivered: { version: 1, value: 4500 },
    });
  });

  it('counts a replayed event once (event_id is the lead ID)', async () => {
    const leadId = nextLeadId();
    await wonClose(leadId);
    platforms.meta.delayNext(4000);

    // The first answer never arrives in time: the event is retried, and Meta de-duplicates the repeat.
    await dispatchInline(runtime, [leadId], 1500);
    clock.advance(HOUR);
    await runBackfill(runtime);

    expect(platforms.meta.requestsTo('events')).toHaveLength(2);
    expect(platforms.meta.eventsReceived).toBe(2);
    expect(platforms.meta.events.size).toBe(1);
    expect((await deliveriesOf(runtime, leadId)).meta?.status).toBe('delivered');
  });
});
