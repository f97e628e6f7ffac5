import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { stageSubjectKey } from '../../lib/domain';
import { assertSummary, hubspotDeal, invokeBackfill } from '../support/backfill';
import { createClock, DAY, HOUR, MINUTE, T0, type TestClock } from '../support/clock';
import { storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { dueItems } from '../support/table-items';

/**
 * The backfill polls stage changes as well as closes: a HubSpot deal found by its hs_lastmodifieddate in a
 * configured stage is recorded as the stage (at the time HubSpot says the deal entered it) and delivered in
 * the same run; polled again, nothing is sent twice.
 */
const STAGES = [
  {
    name: 'qualified',
    hubspot: { dealStages: ['qualifiedtobuy'] },
    google: { conversionAction: ACCOUNTS.stageQualified },
    meta: { eventName: 'LeadQualified' },
  },
  {
    name: 'proposal',
    hubspot: { dealStages: ['contractsent'] },
    value: { fractionOfAmount: 0.1 },
    meta: { eventName: 'LeadProposal' },
  },
];

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let clock: TestClock;

function createRuntime(): Runtime {
  return createTestRuntime(
    table,
    {
      ...platforms.env,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      CONVERSION_STAGES: JSON.stringify(STAGES),
    },
    { now: clock.now },
  );
}

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  hubspot = await startFakeHubspot();
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  expect(hubspot.violations).toEqual([]);
  await Promise.all([platforms.close(), hubspot.close()]);
});

describe('backfill: HubSpot stage polling', () => {
  it('records the stages of a polled open deal at their entered times and delivers them once', async () => {
    const runtime = createRuntime();
    await runtime.store.putCheckpoint(
      { source: 'hubspot', until: T0 - HOUR, updatedAt: T0 - HOUR },
      undefined,
    );
    await storeLead(runtime.store, 'lead-stage-poll');
    hubspot.deals.set(
      '6001',
      hubspotDeal('lead-stage-poll', T0 - 30 * MINUTE, {
        dealstage: 'contractsent',
        hs_is_closed: 'false',
        hs_is_closed_won: 'false',
        hs_v2_date_entered_qualifiedtobuy: String(T0 - 2 * DAY),
        hs_v2_date_entered_contractsent: String(T0 - 40 * MINUTE),
      }),
    );

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary).toMatchObject({
      closesRecorded: 0,
      deliveries: { 'google-ads': { accepted: 1 }, meta: { delivered: 2 } },
    });
    expect([...platforms.meta.events.keys()].sort()).toEqual([
      'LeadProposal|lead-stage-poll:proposal',
      'LeadQualified|lead-stage-poll:qualified',
    ]);
    expect(platforms.meta.events.get('LeadQualified|lead-stage-poll:qualified')).toMatchObject({
      event_time: Math.floor((T0 - 2 * DAY) / 1000),
    });
    expect(platforms.meta.events.get('LeadProposal|lead-stage-poll:proposal')).toMatchObject({
      event_time: Math.floor((T0 - 40 * MINUTE) / 1000),
      custom_data: { value: 450, currency: 'USD', funnel_stage: 'proposal' },
    });
    expect([...platforms.dataManager.conversions.keys()]).toEqual([
      `${ACCOUNTS.stageQualified}|lead-stage-poll:qualified`,
    ]);
    // The proposal names no Google action: no Google delivery exists for it at all.
    const key = stageSubjectKey('proposal', 'lead-stage-poll');
    const deliveries = await runtime.store.getDeliveries([
      { subjectKey: key, destination: 'google-ads' },
      { subjectKey: key, destination: 'meta' },
    ]);
    expect([...deliveries.values()].map((delivery) => delivery.destination)).toEqual(['meta']);

    clock.advance(15 * MINUTE);
    const again = assertSummary(
      await invokeBackfill(runtime, clock, { since: new Date(T0 - HOUR).toISOString() }),
    );

    expect(again.deliveries).toEqual({});
    expect(platforms.meta.eventsReceived).toBe(2);
    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect((await dueItems(table)).filter((item) => String(item.pk).startsWith('STAGE#'))).toEqual([]);
  });
});
