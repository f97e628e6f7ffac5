import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createEraseHandler } from '../../functions/erase';
import type { Runtime } from '../../functions/runtime';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { suppressionHashOfLeadId } from '../../lib/erasure/suppression';
import { sha256Hex } from '../../lib/leads/hash';
import { createLambdaContext } from '../../local/lambda-context';
import { createClock, type TestClock } from '../support/clock';
import { closeInput, leadCreatedBody, PERSON_PLAINTEXT, storeClose, storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { collectEvent } from '../support/http-event';
import { type LocalApi, startLocalApi } from '../support/local-api';
import { checkoutWithBrowserBody } from '../support/orders';
import { dispatchInline } from '../support/pipeline';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { outboundMessage } from '../support/salesforce-soap';
import { scanTable } from '../support/table-items';

/**
 * The erase function end to end: a lead with a close, its deliveries, its deal pointer and an order of
 * theirs is erased down to its suppression entries, and a later capture, pushed order and CRM webhook for
 * the same person store nothing.
 */
const TOKEN = 'sf-path-token-0123456789abcdef';
const ORG = '00D5g000004ABCD';
const ORDER_EMAIL = 'customer@example.com';

let table: TestTable;
let clock: TestClock;
let platforms: Platforms;
let runtime: Runtime;
let api: LocalApi;

beforeEach(async () => {
  clock = createClock(Date.UTC(2026, 10, 20, 12), { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  runtime = createTestRuntime(
    table,
    { ...platforms.env, SALESFORCE_ORG_ID: ORG, SALESFORCE_WEBHOOK_TOKEN: TOKEN },
    { now: clock.now },
  );
  api = await startLocalApi({ 'salesforce-webhook': createSalesforceWebhookHandler(runtime) });
});

afterEach(async () => {
  await Promise.all([platforms.close(), api.close()]);
});

const erase = (input: unknown) => createEraseHandler(runtime)(input, createLambdaContext('erase'));
const collect = (body: unknown) =>
  createCollectHandler(runtime)(collectEvent(body), createLambdaContext('collect'));

function salesforceClose(leadId: string, notificationId = '04l5g000000RT09AAA') {
  return outboundMessage({
    organizationId: ORG,
    notifications: [
      {
        id: notificationId,
        fields: {
          Id: '0065g00000AbCdZAAV',
          StageName: 'Closed Won',
          IsWon: 'true',
          IsClosed: 'true',
          Amount: '1000.0',
          CloseDate: '2026-11-20',
          CreatedDate: '2026-09-01T08:00:00.000Z',
          LastModifiedDate: '2026-11-20T10:15:00.000Z',
          SystemModstamp: '2026-11-20T10:15:01.000Z',
          Lead_ID__c: leadId,
        },
      },
    ],
  });
}

describe('erase', () => {
  it('leaves only the suppression entries of a lead with a close, deliveries and an order', async () => {
    const leadId = 'lead-to-erase';
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));
    await runtime.store.putDealPointer('hubspot', `deal-${leadId}`, leadId);
    await dispatchInline(runtime, [leadId]);
    expect(await collect(checkoutWithBrowserBody({ id: 'order-to-erase' }))).toMatchObject({
      statusCode: 202,
    });
    const before = await scanTable(table);
    expect(before.map((item) => item.type)).toEqual(
      expect.arrayContaining(['lead', 'close', 'order', 'delivery', 'deal']),
    );

    const summary = await erase({ leadIds: [leadId], emails: [` ${ORDER_EMAIL.toUpperCase()} `] });

    expect(summary).toMatchObject({
      ok: true,
      deleted: {
        leads: 1,
        closes: 1,
        orders: 1,
        stages: 0,
        deliveries: 4,
        dealPointers: 1,
        deferredDeals: 0,
      },
      subjects: ['lead-to-erase', 'order:order-to-erase'],
      scan: { complete: true },
    });
    const left = await scanTable(table);
    expect(left.every((item) => item.type === 'suppression')).toBe(true);
    // The lead ID's, the email asked for, and the email the lead itself brought (Google-normalised).
    expect(left.map((item) => item.pk)).toEqual(
      expect.arrayContaining([
        `SUPPRESSED#${suppressionHashOfLeadId(leadId)}`,
        `SUPPRESSED#${sha256Hex(ORDER_EMAIL)}`,
        `SUPPRESSED#${sha256Hex('janedoe@gmail.com')}`,
      ]),
    );
    expect(left).toHaveLength(3);
    // Only hashes: no lead ID, no email, no person in plaintext.
    const stored = JSON.stringify(left);
    for (const text of [leadId, ORDER_EMAIL, 'order-to-erase', ...PERSON_PLAINTEXT])
      expect(stored).not.toContain(text);

    // Safe to repeat: nothing more to delete, the same entries.
    const again = await erase({ leadIds: [leadId] });
    expect(again).toMatchObject({ deleted: { leads: 0, closes: 0, orders: 0, deliveries: 0 } });
    expect(await scanTable(table)).toEqual(left);
  });

  it('stores nothing of an erased person later: a capture, an order, a CRM webhook', async () => {
    const leadId = 'lead-erased-before';
    await storeLead(runtime.store, leadId);
    await erase({ leadIds: [leadId], emails: [ORDER_EMAIL] });
    const suppressionOnly = await scanTable(table);

    expect(await collect(leadCreatedBody(leadId))).toMatchObject({ statusCode: 202 });
    expect(await collect(checkoutWithBrowserBody({ id: 'order-after-erase' }))).toMatchObject({
      statusCode: 202,
    });
    const webhook = await fetch(`${api.baseUrl}/webhooks/salesforce/${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: salesforceClose(leadId),
    });
    expect(await webhook.text()).toContain('Ack');
    expect(webhook.status).toBe(200);

    // Only the Salesforce receipt (the notification was handled: Salesforce must not send it again).
    const after = (await scanTable(table)).filter((item) => item.type !== 'receipt');
    expect(after).toEqual(suppressionOnly);
    expect(platforms.dataManager.eventsReceived + platforms.meta.eventsReceived).toBe(0);

    // The control: the same message for someone not erased is recorded.
    await fetch(`${api.baseUrl}/webhooks/salesforce/${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: salesforceClose('lead-not-erased', '04l5g000000RT08AAA'),
    });
    expect(await runtime.store.getClose('lead-not-erased')).toBeDefined();
  });

  it('refuses bad input naming the field, never echoing an email', async () => {
    const refused = await erase({ emails: ['not-an-email jane@'], leadIds: 'x' });
    expect(refused).toMatchObject({ ok: false, error: 'invalid erase input' });
    expect(JSON.stringify(refused)).not.toContain('not-an-email');
    expect(await erase({})).toMatchObject({
      ok: false,
      issues: [{ field: '(input)', message: 'must name leadIds or emails' }],
    });
  });
});
