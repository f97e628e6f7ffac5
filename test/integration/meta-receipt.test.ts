import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { createClock, type TestClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline } from '../support/pipeline';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';

/**
 * Meta's answer counts what it took (`events_received`, platform-apis.md §2): each delivery keeps its
 * request's fbtrace_id and count, and a request Meta took fewer events of delivers none of them.
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

async function closes(leadIds: string[]) {
  for (const leadId of leadIds) {
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));
  }
  await dispatchInline(runtime, leadIds);
}

describe('Meta events_received', () => {
  it('keeps fbtrace_id and events_received of the request on each of its deliveries', async () => {
    await closes(['receipt-1', 'receipt-2']);
    expect(platforms.meta.requestsTo('events')).toHaveLength(1);
    for (const leadId of ['receipt-1', 'receipt-2']) {
      const meta = (await deliveriesOf(runtime, leadId)).meta;
      expect(meta).toMatchObject({
        status: 'delivered',
        platformResponseId: 'trace-1',
        platformReceipt: { eventsReceived: 2, eventsSent: 2 },
      });
    }
  });

  it('fewer received than sent: no event of the request is delivered; they are retried', async () => {
    platforms.meta.receiveFewer(1);
    await closes(['short-1', 'short-2']);
    for (const leadId of ['short-1', 'short-2']) {
      const meta = (await deliveriesOf(runtime, leadId)).meta;
      expect(meta?.status).toBe('retry');
      expect(meta?.lastErrorCode).toBe('events_not_received');
      expect(meta?.lastError).toContain(
        'Meta received 1 of the 2 events of this request (fbtrace_id trace-1)',
      );
    }
  });

  it("fewer received with Meta's messages: the request's deliveries fail with them", async () => {
    platforms.meta.receiveFewer(1, ['event 1: event_time too far in the past']);
    await closes(['said-1', 'said-2']);
    const meta = (await deliveriesOf(runtime, 'said-2')).meta;
    expect(meta?.status).toBe('failed:not_received');
    expect(meta?.lastError).toContain('event 1: event_time too far in the past');
  });
});
