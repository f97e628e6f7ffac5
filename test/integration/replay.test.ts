import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../functions/backfill';
import type { Runtime } from '../../functions/runtime';
import { invokeBackfill } from '../support/backfill';
import { createClock, DAY, HOUR, type TestClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline } from '../support/pipeline';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';

/**
 * A manual replay through the backfill handler: the chosen deliveries go out again with their first IDs
 * (Data Manager's transactionId, Meta's event_id), one request per chosen destination, counted at the
 * fakes, which de-duplicate as the platforms do; nothing else is sent.
 */
let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  runtime = createTestRuntime(table, platforms.env, { now: clock.now });
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function deliveredClose(leadId: string) {
  await storeLead(runtime.store, leadId);
  await storeClose(runtime.store, closeInput(leadId));
  await dispatchInline(runtime, [leadId]);
  const before = await deliveriesOf(runtime, leadId);
  expect(before['google-ads']?.status).toBe('accepted');
  expect(before.meta?.status).toBe('delivered');
  return before;
}

async function replay(event: unknown): Promise<ReplayResult> {
  const result = await invokeBackfill(runtime, clock, event);
  if (!result.ok || !('replay' in result)) throw new Error(`not a replay: ${JSON.stringify(result)}`);
  return result;
}

describe('backfill replay', () => {
  it('re-sends one close to the chosen destination only, with the same event_id (one event at Meta)', async () => {
    const leadId = 'replay-lead-1';
    const before = await deliveredClose(leadId);
    const metaRequests = platforms.meta.requestsTo('events').length;
    const ingests = platforms.dataManager.requestsTo('ingest').length;
    clock.advance(HOUR);

    const result = await replay({ replay: { subjects: [leadId], destinations: ['meta'] } });

    expect(platforms.meta.requestsTo('events')).toHaveLength(metaRequests + 1);
    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(ingests);
    const last = platforms.meta.requestsTo('events').at(-1)?.body as
      | { data: { event_id: string }[] }
      | undefined;
    expect(last?.data.map((event) => event.event_id)).toEqual([leadId]);
    // Meta de-duplicates on event_name + event_id: still one conversion.
    expect([...platforms.meta.events.keys()].filter((key) => key.endsWith(`|${leadId}`))).toHaveLength(1);
    expect(result.replay).toEqual({
      subjects: [
        {
          subject: leadId,
          found: true,
          deliveries: [
            {
              destination: 'meta',
              replay: 'sent',
              status: 'delivered',
              attempts: 2,
              platformResponseId: expect.any(String),
            },
          ],
        },
      ],
      requests: { meta: 1 },
      more: false,
    });
    const after = await deliveriesOf(runtime, leadId);
    expect(after['google-ads']).toEqual(before['google-ads']);
  });

  it('re-sends to every enabled destination when none is named: one update each', async () => {
    const leadId = 'replay-lead-2';
    await deliveredClose(leadId);
    const ingests = platforms.dataManager.requestsTo('ingest').length;
    const metaRequests = platforms.meta.requestsTo('events').length;
    clock.advance(HOUR);

    const result = await replay({ replay: { subjects: [leadId, 'order:never-seen'] } });

    expect(platforms.dataManager.requestsTo('ingest')).toHaveLength(ingests + 1);
    expect(platforms.meta.requestsTo('events')).toHaveLength(metaRequests + 1);
    // The same transactionId: Data Manager holds one conversion for the lead, overwritten.
    expect(
      [...platforms.dataManager.conversions.keys()].filter((key) => key.endsWith(`|${leadId}`)),
    ).toHaveLength(1);
    expect(result.replay.requests).toEqual({ 'google-ads': 1, meta: 1 });
    expect(result.replay.subjects.map((subject) => [subject.subject, subject.found])).toEqual([
      [leadId, true],
      ['order:never-seen', false],
    ]);
    expect(
      result.replay.subjects[0]?.deliveries.map((delivery) => [delivery.destination, delivery.replay]),
    ).toEqual([
      ['google-ads', 'sent'],
      ['meta', 'sent'],
    ]);
  });

  it('leaves a Meta event alone once its 48-hour de-duplication window is over (it would count twice)', async () => {
    const leadId = 'replay-lead-3';
    const before = await deliveredClose(leadId);
    const metaRequests = platforms.meta.requestsTo('events').length;
    clock.advance(2 * DAY + HOUR);

    const result = await replay({ replay: { subjects: [leadId], destinations: ['meta'] } });

    expect(platforms.meta.requestsTo('events')).toHaveLength(metaRequests);
    expect(result.replay.subjects[0]?.deliveries).toEqual([
      expect.objectContaining({
        destination: 'meta',
        replay: 'not_replayed',
        reason: 'outside_deduplication_window',
        status: 'delivered',
      }),
    ]);
    expect((await deliveriesOf(runtime, leadId)).meta).toEqual(before.meta);
  });

  it('refuses a bad replay with the field named, and runs nothing', async () => {
    const ingests = platforms.dataManager.requests.length;
    const result = await invokeBackfill(runtime, clock, {
      replay: { subjects: [], destinations: ['facebook'] },
      retryNow: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { field: 'replay.subjects', message: 'must name at least one subject' },
      { field: 'replay.destinations[0]', message: 'must be one of google-ads, meta, ga4, tiktok' },
      { field: 'retryNow', message: 'a replay runs alone: leave this out' },
    ]);
    expect(platforms.dataManager.requests).toHaveLength(ingests);
  });
});
