import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { assertSummary, invokeBackfill, salesforceOpportunity } from '../support/backfill';
import { createClock, DAY, HOUR, MINUTE, T0, type TestClock } from '../support/clock';
import { storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeSalesforce, startFakeSalesforce } from '../support/fakes/salesforce';
import { startLocalApi } from '../support/local-api';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { outboundMessage } from '../support/salesforce-soap';

/**
 * Salesforce sales-process stages: an Opportunity entering a configured StageName (Outbound Message, Flow
 * JSON, or found by the backfill's SOQL on SystemModstamp, open ones included) is recorded as the stage at
 * its LastModifiedDate and delivered once; Closed Won implies the stages not yet sent.
 */
const SF_ORG = '00D5g000004ABCDEA4';
const SF_TOKEN = 'salesforce-stages-token-0123';
const STAGES = [
  {
    name: 'qualified',
    salesforce: { opportunityStages: ['Qualification'] },
    value: { fixed: 100, currency: 'USD' },
    google: { conversionAction: ACCOUNTS.stageQualified },
    meta: { eventName: 'LeadQualified' },
  },
  {
    name: 'proposal',
    salesforce: { opportunityStages: ['Proposal/Price Quote'] },
    value: { fractionOfAmount: 0.25 },
    meta: { eventName: 'LeadProposal' },
  },
];
const iso = (ms: number) => new Date(ms).toISOString();

let table: TestTable;
let platforms: Platforms;
let salesforce: FakeSalesforce;
let clock: TestClock;
let runtime: Runtime;
let api: Awaited<ReturnType<typeof startLocalApi>>;

beforeEach(async () => {
  clock = createClock(T0, { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  salesforce = await startFakeSalesforce();
  runtime = createTestRuntime(
    table,
    {
      ...platforms.env,
      SALESFORCE_ORG_ID: SF_ORG,
      SALESFORCE_WEBHOOK_TOKEN: SF_TOKEN,
      SALESFORCE_INSTANCE_URL: salesforce.baseUrl,
      SALESFORCE_ACCESS_TOKEN: salesforce.token,
      CONVERSION_STAGES: JSON.stringify(STAGES),
    },
    { now: clock.now },
  );
  api = await startLocalApi({ 'salesforce-webhook': createSalesforceWebhookHandler(runtime) });
});

afterEach(async () => {
  await api.close();
  expect(platforms.violations()).toEqual([]);
  expect(salesforce.violations).toEqual([]);
  await Promise.all([platforms.close(), salesforce.close()]);
});

function openOpportunity(stageName: string, modifiedAt: number) {
  return {
    Id: '0065g00000STG01AAA',
    StageName: stageName,
    IsWon: 'false',
    IsClosed: 'false',
    Amount: '8000',
    CloseDate: iso(T0 + 30 * DAY).slice(0, 10),
    CreatedDate: iso(T0 - 10 * DAY),
    LastModifiedDate: iso(modifiedAt),
    SystemModstamp: iso(modifiedAt),
    Lead_ID__c: 'lead_sf_stage',
    Loss_Reason__c: null,
  };
}

async function postOutbound(id: string, fields: Record<string, string | null>) {
  const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body: outboundMessage({ organizationId: SF_ORG, notifications: [{ id, fields }] }),
  });
  expect(response.status).toBe(200);
}

describe('Salesforce Opportunity stages', () => {
  it('an Outbound Message of a stage change sends the stage at its LastModifiedDate; a repeat sends nothing', async () => {
    await storeLead(runtime.store, 'lead_sf_stage');
    const changedAt = T0 - 3 * HOUR;

    await postOutbound('04l5g000000STG1AAA', openOpportunity('Qualification', changedAt));
    await postOutbound('04l5g000000STG2AAA', openOpportunity('Qualification', changedAt + MINUTE));

    expect([...platforms.meta.events.keys()]).toEqual(['LeadQualified|lead_sf_stage:qualified']);
    expect(platforms.meta.events.get('LeadQualified|lead_sf_stage:qualified')).toMatchObject({
      event_time: Math.floor(changedAt / 1000),
      custom_data: {
        lead_event_source: 'Salesforce',
        funnel_stage: 'qualified',
        value: 100,
        currency: 'USD',
      },
    });
    expect([...platforms.dataManager.conversions.keys()]).toEqual([
      `${ACCOUNTS.stageQualified}|lead_sf_stage:qualified`,
    ]);
    expect(platforms.meta.eventsReceived).toBe(1);
    expect(platforms.dataManager.eventsReceived).toBe(1);
  });

  it('Closed Won sends the close keyed by the lead ID and the stages not yet sent, at the close time', async () => {
    await storeLead(runtime.store, 'lead_sf_stage');
    await postOutbound('04l5g000000STG3AAA', openOpportunity('Qualification', T0 - 5 * HOUR));
    const wonAt = T0 - HOUR;

    await postOutbound('04l5g000000STG4AAA', {
      ...openOpportunity('Closed Won', wonAt),
      IsWon: 'true',
      IsClosed: 'true',
    });

    expect([...platforms.meta.events.keys()].sort()).toEqual([
      'LeadClosed|lead_sf_stage',
      'LeadProposal|lead_sf_stage:proposal',
      'LeadQualified|lead_sf_stage:qualified',
    ]);
    expect(platforms.meta.events.get('LeadProposal|lead_sf_stage:proposal')).toMatchObject({
      event_time: Math.floor(wonAt / 1000),
      custom_data: { value: 2000, currency: 'USD' },
    });
    expect(platforms.meta.events.get('LeadQualified|lead_sf_stage:qualified')).toMatchObject({
      event_time: Math.floor((T0 - 5 * HOUR) / 1000),
    });
    expect(platforms.meta.eventsReceived).toBe(3);
  });

  it('the backfill finds an open Opportunity in a stage (no IsClosed filter) and delivers the stage once', async () => {
    await storeLead(runtime.store, 'lead_sf_poll');
    await runtime.store.putCheckpoint(
      { source: 'salesforce', until: T0 - HOUR, updatedAt: T0 - HOUR },
      undefined,
    );
    salesforce.records.push(
      salesforceOpportunity('0065g00000STG09AAA', 'lead_sf_poll', T0 - 30 * MINUTE, {
        StageName: 'Proposal/Price Quote',
        IsWon: false,
        IsClosed: false,
      }),
    );

    const summary = assertSummary(await invokeBackfill(runtime, clock));

    expect(summary.deliveries).toMatchObject({ 'google-ads': { accepted: 1 }, meta: { delivered: 2 } });
    expect([...platforms.meta.events.keys()].sort()).toEqual([
      'LeadProposal|lead_sf_poll:proposal',
      'LeadQualified|lead_sf_poll:qualified',
    ]);
    expect(salesforce.queries.every((query) => !query.includes('IsClosed = true'))).toBe(true);
  });
});
