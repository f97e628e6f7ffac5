import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { type ChangeEventResult, createSalesforceCdcHandler } from '../../functions/salesforce-cdc';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import type { HttpEvent, HttpResult } from '../../lib/http/request';
import {
  LOCAL_HUBSPOT_CLIENT_SECRET,
  LOCAL_SALESFORCE_ORG_ID,
  LOCAL_SALESFORCE_WEBHOOK_TOKEN,
} from '../../local/env';
import { prepareHubspotSample } from '../../local/hubspot-signing';
import { createLambdaContext } from '../../local/lambda-context';
import { createTestTable } from '../support/dynamo';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * Every sample in events/hubspot and events/salesforce goes through its deployed handler with the local
 * defaults `npm run invoke` applies: the good ones are recorded (2xx), the `bad-*` ones are refused with a
 * 4xx and write nothing. Samples and schemas cannot drift apart unnoticed.
 */
const EVENTS = join(__dirname, '..', '..', 'events');
const samples = (source: string) =>
  readdirSync(join(EVENTS, source)).filter((file) => file.endsWith('.json'));
const load = (source: string, file: string): HttpEvent =>
  JSON.parse(readFileSync(join(EVENTS, source, file), 'utf8'));

const LOCAL_ENV = {
  HUBSPOT_CLIENT_SECRET: LOCAL_HUBSPOT_CLIENT_SECRET,
  SALESFORCE_WEBHOOK_TOKEN: LOCAL_SALESFORCE_WEBHOOK_TOKEN,
  SALESFORCE_ORG_ID: LOCAL_SALESFORCE_ORG_ID,
};

/** `stage-*` samples are stage changes: they record a funnel stage under the demo's CONVERSION_STAGES. */
const isStageSample = (file: string) => file.startsWith('stage-');
const SAMPLE_STAGES = JSON.stringify([
  { name: 'qualified', hubspot: { dealStages: ['qualifiedtobuy'] }, meta: { eventName: 'LeadQualified' } },
  { name: 'proposal', hubspot: { dealStages: ['contractsent'] }, meta: { eventName: 'LeadProposal' } },
]);

async function invoke(
  functionName: 'hubspot-webhook' | 'salesforce-webhook',
  file: string,
  env: Record<string, string> = {},
) {
  const table = await createTestTable();
  const runtime = createTestRuntime(table, { ...LOCAL_ENV, ...env });
  let event = load(functionName === 'hubspot-webhook' ? 'hubspot' : 'salesforce', file);
  if (functionName === 'hubspot-webhook') {
    event = prepareHubspotSample(file, event, {
      clientSecret: LOCAL_HUBSPOT_CLIENT_SECRET,
      now: Date.now(),
      publicBaseUrl: undefined,
    });
  }
  const handler =
    functionName === 'hubspot-webhook'
      ? createHubspotWebhookHandler(runtime)
      : createSalesforceWebhookHandler(runtime);
  const result = (await handler(event, createLambdaContext(functionName))) as HttpResult;
  return { result, items: await scanTable(table) };
}

describe('events/hubspot samples', () => {
  it('has good and bad samples', () => {
    expect(samples('hubspot').filter((file) => !file.startsWith('bad-')).length).toBeGreaterThanOrEqual(3);
    expect(samples('hubspot').filter((file) => file.startsWith('bad-')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(samples('hubspot').filter((file) => !isStageSample(file)))(
    '%s is recorded, or refused when bad-*',
    async (file) => {
      const { result, items } = await invoke('hubspot-webhook', file);
      if (file.startsWith('bad-')) {
        expect([400, 401]).toContain(result.statusCode);
        expect(items).toEqual([]);
      } else {
        expect(result.statusCode).toBe(200);
        expect(items.filter((item) => item.type === 'close').length).toBeGreaterThan(0);
      }
    },
  );
});

describe('events/hubspot stage samples', () => {
  it.each(samples('hubspot').filter(isStageSample))('%s records its funnel stage once', async (file) => {
    const { result, items } = await invoke('hubspot-webhook', file, { CONVERSION_STAGES: SAMPLE_STAGES });
    expect(result.statusCode).toBe(200);
    expect(items.filter((item) => item.type === 'stage')).toHaveLength(
      file.includes('contract-sent') ? 2 : 1,
    );
    expect(items.filter((item) => item.type === 'close')).toEqual([]);
  });
});

describe('events/hubspot lifecycle samples', () => {
  it.each([
    ['deal-merge.json', { outcome: 'won', version: 1 }],
    ['deal-deletion.json', { outcome: 'deleted', version: 2, value: 0 }],
    // Deleted and restored within one batch: the close stands as it was, untouched.
    ['deal-restore.json', { outcome: 'won', version: 1 }],
  ])('%s leaves its close as the merge, deletion or restore says', async (file, expected) => {
    const { result, items } = await invoke('hubspot-webhook', file);
    expect(result.statusCode).toBe(200);
    const closes = items.filter((item) => item.type === 'close');
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject(expected);
  });

  it('deal-restore.json marks the deal deleted, then restored', async () => {
    const { items } = await invoke('hubspot-webhook', 'deal-restore.json');
    expect(items.find((item) => item.type === 'deal')).toMatchObject({
      dealId: '18112345710',
      deletedAt: 1795445910000,
      restoredAt: 1795445940000,
    });
  });

  it('deal-merge.json leads the merged deal and both originals to the one close', async () => {
    const { items } = await invoke('hubspot-webhook', 'deal-merge.json');
    const pointers = items.filter((item) => item.type === 'deal');
    expect(Object.fromEntries(pointers.map((item) => [item.dealId, item.closeKey]))).toEqual({
      '18112345690': 'hubspot-deal:18112345690',
      '18112345691': 'hubspot-deal:18112345690',
      '18112345692': 'hubspot-deal:18112345690',
    });
  });
});

/** Change Data Capture samples (`cdc-*`, `bad-cdc-*`) are EventBridge events for the salesforce-cdc function. */
const isChangeEvent = (file: string) => /^(bad-)?cdc-/.test(file);

describe('events/salesforce change event samples', () => {
  it.each(samples('salesforce').filter(isChangeEvent))(
    '%s is recorded, or refused when bad-*',
    async (file) => {
      const table = await createTestTable();
      const handler = createSalesforceCdcHandler(createTestRuntime(table, LOCAL_ENV));
      const result = (await handler(
        load('salesforce', file),
        createLambdaContext('salesforce-cdc'),
      )) as ChangeEventResult;
      const items = await scanTable(table);
      if (file.startsWith('bad-')) {
        expect(result).toMatchObject({
          ok: false,
          issues: [expect.objectContaining({ field: expect.any(String) })],
        });
        expect(items).toEqual([]);
      } else {
        expect(result).toMatchObject({ ok: true, recorded: 1 });
        expect(items.filter((item) => item.type === 'close').length).toBeGreaterThan(0);
      }
    },
  );
});

describe('events/salesforce samples', () => {
  it.each(samples('salesforce').filter((file) => !isChangeEvent(file)))(
    '%s is recorded, or refused when bad-*',
    async (file) => {
      const { result, items } = await invoke('salesforce-webhook', file);
      if (file.startsWith('bad-')) {
        expect([400, 401, 403]).toContain(result.statusCode);
        expect(result.body).not.toContain('<Ack>');
        expect(items).toEqual([]);
      } else {
        expect(result.statusCode).toBe(200);
        expect(items.filter((item) => item.type === 'close').length).toBeGreaterThan(0);
      }
    },
  );
});
