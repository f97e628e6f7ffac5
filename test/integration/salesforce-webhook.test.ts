import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { SALESFORCE_ACK } from '../../lib/crm/salesforce/outbound-message';
import { sha256Hex } from '../../lib/leads/hash';
import { createClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { startLocalApi } from '../support/local-api';
import { createTestRuntime } from '../support/runtime';
import { outboundMessage } from '../support/salesforce-soap';
import { scanTable } from '../support/table-items';

const TOKEN = 'sf-path-token-0123456789abcdef';
const ORG_15 = '00D5g000004ABCD';
const ORG_18 = '00D5g000004ABCDEA4';
const FOREIGN_ORG = '00D5g000009ZZZZEA4';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

let table: TestTable;
let api: Awaited<ReturnType<typeof startLocalApi>>;

async function startApi(env: Record<string, string | undefined> = {}) {
  const clock = createClock(T0, { realTime: true });
  const runtime = createTestRuntime(
    table,
    { SALESFORCE_ORG_ID: ORG_15, SALESFORCE_WEBHOOK_TOKEN: TOKEN, DEFAULT_CURRENCY: 'EUR', ...env },
    { now: clock.now },
  );
  api = await startLocalApi({ 'salesforce-webhook': createSalesforceWebhookHandler(runtime) });
}

async function post(body: string, options: { token?: string; contentType?: string } = {}) {
  const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${options.token ?? TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'text/xml; charset=utf-8', soapaction: '""' },
    body,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

const WON = {
  Id: '0065g00000AbCdEAAV',
  StageName: 'Closed Won',
  IsWon: 'true',
  IsClosed: 'true',
  Amount: '25000.0',
  CloseDate: '2026-11-20',
  CreatedDate: '2026-09-01T08:00:00.000Z',
  LastModifiedDate: '2026-11-20T10:15:00.000Z',
  SystemModstamp: '2026-11-20T10:15:01.000Z',
  Type: 'New Customer',
  Lead_ID__c: 'lead_sf_won',
  Loss_Reason__c: null,
};

const LOST = {
  ...WON,
  Id: '0065g00000AbCdFAAV',
  StageName: 'Closed Lost',
  IsWon: 'false',
  Amount: '9000.0',
  Lead_ID__c: 'lead_sf_lost',
  Loss_Reason__c: 'Price',
};

const OPEN = {
  ...WON,
  Id: '0065g00000AbCdGAAV',
  StageName: 'Negotiation/Review',
  IsWon: 'false',
  IsClosed: 'false',
  Lead_ID__c: 'lead_sf_open',
};

beforeEach(async () => {
  table = await createTestTable();
  await startApi();
});

afterEach(async () => {
  await api.close();
});

describe('POST /webhooks/salesforce/{token}: Outbound Messages', () => {
  it('records every notification of a message and answers the exact Ack', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [
        { id: '04l5g000001AAAAAA4', fields: WON },
        { id: '04l5g000001AAABAA4', fields: LOST },
        { id: '04l5g000001AAACAA4', fields: OPEN },
      ],
    });

    const answer = await post(body);

    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/xml; charset=utf-8');
    expect(answer.text).toBe(SALESFORCE_ACK);
    expect(await table.store.getClose('lead_sf_won')).toMatchObject({
      crm: 'salesforce',
      dealId: '0065g00000AbCdEAAV',
      outcome: 'won',
      value: 25000,
      currency: 'EUR',
      closedAt: Date.parse('2026-11-20T10:15:00.000Z'),
      sourceUpdatedAt: Date.parse('2026-11-20T10:15:01.000Z'),
      stage: 'Closed Won',
      dealType: 'New Customer',
      salesCycleDays: 80,
      dealCreatedAt: Date.parse('2026-09-01T08:00:00.000Z'),
      version: 1,
    });
    expect(await table.store.getClose('lead_sf_lost')).toMatchObject({
      outcome: 'lost',
      value: 0,
      closureReason: 'price',
      closureDetail: 'Price',
    });
    expect(await table.store.getClose('lead_sf_open')).toBeUndefined();
    expect(
      await table.store.getReceipts('salesforce', [
        '04l5g000001AAAAAA4',
        '04l5g000001AAABAA4',
        '04l5g000001AAACAA4',
      ]),
    ).toEqual(new Set(['04l5g000001AAAAAA4', '04l5g000001AAABAA4', '04l5g000001AAACAA4']));
  });

  it('acknowledges a retried message without a second version', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }],
    });
    await post(body);
    const retry = await post(body);
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(SALESFORCE_ACK);
    expect((await table.store.getClose('lead_sf_won'))?.version).toBe(1);
  });

  it('accepts the 18-character org of the message against a 15-character SALESFORCE_ORG_ID and vice versa', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }],
    });
    expect((await post(body)).status).toBe(200);
    await api.close();
    await startApi({ SALESFORCE_ORG_ID: ORG_18 });
    const fifteen = outboundMessage({
      organizationId: ORG_15,
      notifications: [{ id: '04l5g000001AAABAA4', fields: LOST }],
    });
    expect((await post(fifteen)).status).toBe(200);
  });

  it('refuses a foreign org with 403, no Ack and nothing written', async () => {
    const body = outboundMessage({
      organizationId: FOREIGN_ORG,
      notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }],
    });
    const answer = await post(body);
    expect(answer.status).toBe(403);
    expect(answer.text).not.toContain('<Ack>');
    expect(JSON.parse(answer.text).error).toBe('OrganizationId is not the configured SALESFORCE_ORG_ID');
    expect(await scanTable(table)).toEqual([]);
  });

  it('refuses an 18-character org whose case suffix does not match (a lowercased copy is another org)', async () => {
    const body = outboundMessage({
      organizationId: '00d5g000004abcdEA4',
      notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }],
    });
    expect((await post(body)).status).toBe(403);
  });

  it('refuses a wrong path token with 401 and nothing written', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }],
    });
    const answer = await post(body, { token: 'sf-path-token-0123456789abcdeX' });
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain('<Ack>');
    expect(await scanTable(table)).toEqual([]);
  });

  it('answers 401 while the webhook is not configured', async () => {
    await api.close();
    await startApi({ SALESFORCE_ORG_ID: undefined });
    const answer = await post(
      outboundMessage({ organizationId: ORG_18, notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }] }),
    );
    expect(answer.status).toBe(401);
  });

  it('refuses malformed XML, a DOCTYPE and a non-SOAP document with 400 and nothing written', async () => {
    const malformed = await post('<soapenv:Envelope><soapenv:Body><notifications>');
    const doctype = await post('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>');
    const notSoap = await post('<notifications xmlns="http://soap.sforce.com/2005/09/outbound"/>');
    const wrongNamespace = await post(
      outboundMessage({
        organizationId: ORG_18,
        notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }],
      }).replace('http://soap.sforce.com/2005/09/outbound', 'urn:not-salesforce'),
    );
    expect([malformed.status, doctype.status, notSoap.status, wrongNamespace.status]).toEqual([
      400, 400, 400, 400,
    ]);
    expect(JSON.parse(malformed.text).issues[0].field).toBe('(body)');
    expect(JSON.parse(malformed.text).issues[0].message).toMatch(/^not well-formed XML: /);
    expect(JSON.parse(doctype.text).issues).toEqual([
      { field: '(body)', message: 'a DOCTYPE is not allowed in a SOAP message' },
    ]);
    expect(JSON.parse(notSoap.text).issues).toEqual([
      {
        field: 'Envelope',
        message: 'expected a SOAP 1.1 Envelope (http://schemas.xmlsoap.org/soap/envelope/)',
      },
    ]);
    expect(JSON.parse(wrongNamespace.text).issues).toEqual([
      {
        field: 'Envelope.Body.notifications',
        message: 'required, in namespace http://soap.sforce.com/2005/09/outbound',
      },
    ]);
    expect(await scanTable(table)).toEqual([]);
  });

  it('names the bad field of a notification and writes none of the message', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [
        { id: '04l5g000001AAAAAA4', fields: WON },
        { id: '04l5g000001AAABAA4', fields: { ...LOST, IsWon: 'maybe', Amount: 'lots' } },
      ],
    });
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).issues).toEqual([
      {
        field: 'Envelope.Body.notifications.Notification[1].sObject.IsWon',
        message: 'must be true or false',
      },
      { field: 'Envelope.Body.notifications.Notification[1].sObject.Amount', message: 'must be a number' },
    ]);
    expect(await scanTable(table)).toEqual([]);
  });

  it('reads xsi:nil as absent: a won Opportunity without Amount is worth 0', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [{ id: '04l5g000001AAAAAA4', fields: { ...WON, Amount: null, CurrencyIsoCode: 'usd' } }],
    });
    await post(body);
    expect(await table.store.getClose('lead_sf_won')).toMatchObject({
      outcome: 'won',
      value: 0,
      currency: 'USD',
    });
  });

  it('records an Opportunity without a lead ID under its Salesforce ID', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [{ id: '04l5g000001AAAAAA4', fields: { ...WON, Lead_ID__c: null } }],
    });
    await post(body);
    expect(await table.store.getClose('salesforce-deal:0065g00000AbCdEAAV')).toMatchObject({
      outcome: 'won',
      value: 25000,
    });
  });

  it('re-opens a recorded Opportunity and ignores an older notification that arrives late', async () => {
    await post(
      outboundMessage({ organizationId: ORG_18, notifications: [{ id: '04l5g000001AAAAAA4', fields: WON }] }),
    );
    const reopened = {
      ...WON,
      StageName: 'Negotiation/Review',
      IsWon: 'false',
      IsClosed: 'false',
      LastModifiedDate: '2026-11-20T11:00:00.000Z',
      SystemModstamp: '2026-11-20T11:00:00.000Z',
    };
    await post(
      outboundMessage({
        organizationId: ORG_18,
        notifications: [{ id: '04l5g000001AAABAA4', fields: reopened }],
      }),
    );
    const stale = {
      ...LOST,
      Id: WON.Id,
      Lead_ID__c: 'lead_sf_won',
      SystemModstamp: '2026-11-20T10:30:00.000Z',
    };
    await post(
      outboundMessage({
        organizationId: ORG_18,
        notifications: [{ id: '04l5g000001AAACAA4', fields: stale }],
      }),
    );

    expect(await table.store.getClose('lead_sf_won')).toMatchObject({
      version: 2,
      outcome: 'reopened',
      stage: 'Negotiation/Review',
      previous: { version: 1, outcome: 'won', value: 25000, currency: 'EUR' },
    });
  });

  it('acknowledges and ignores notifications about other objects', async () => {
    const body = outboundMessage({
      organizationId: ORG_18,
      notifications: [
        { id: '04l5g000001AAAAAA4', type: 'Account', fields: { Id: '0015000000VALDtAAP', Name: 'ACME' } },
      ],
    });
    const answer = await post(body);
    expect(answer.text).toBe(SALESFORCE_ACK);
    expect(await scanTable(table)).toEqual([]);
  });
});

describe('POST /webhooks/salesforce/{token}: Flow JSON', () => {
  const flowRecord = {
    attributes: { type: 'Opportunity' },
    Id: '0065g00000XyZaBAAV',
    StageName: 'Closed Won',
    IsWon: true,
    IsClosed: true,
    Amount: 18000.5,
    CurrencyIsoCode: 'GBP',
    CloseDate: '2026-11-18',
    CreatedDate: '2026-10-01T09:00:00.000+0000',
    LastModifiedDate: '2026-11-18T16:45:00.000+0000',
    SystemModstamp: '2026-11-18T16:45:00.000+0000',
    Type: 'Existing Customer - Upgrade',
    Lead_ID__c: 'lead_flow',
    Contact: { Email: 'Buyer.One@Example.com', Phone: '+44 20 7946 0958', MailingCountry: 'GB' },
  };

  async function postJson(body: unknown) {
    const answer = await post(JSON.stringify(body), { contentType: 'application/json' });
    return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
  }

  it('records one Opportunity with typed values and hashes its Contact', async () => {
    const answer = await postJson(flowRecord);
    expect(answer).toEqual({ status: 200, body: { received: 1, recorded: 1, duplicates: 0, ignored: 0 } });
    const close = await table.store.getClose('lead_flow');
    expect(close).toMatchObject({
      outcome: 'won',
      value: 18000.5,
      currency: 'GBP',
      closedAt: Date.parse('2026-11-18T16:45:00.000Z'),
      dealType: 'Existing Customer - Upgrade',
      salesCycleDays: 48,
    });
    expect(close?.contactIdentity?.meta.em).toEqual([sha256Hex('buyer.one@example.com')]);
    expect(close?.contactIdentity?.meta.ph).toEqual([sha256Hex('442079460958')]);
    expect(JSON.stringify(await scanTable(table))).not.toMatch(/buyer\.one|7946/i);
  });

  it('records an array and an envelope whose org matches; refuses a foreign org envelope with 403', async () => {
    const array = await postJson([
      flowRecord,
      {
        ...flowRecord,
        Id: '0065g00000AbCdEAAV',
        Lead_ID__c: 'lead_flow_2',
        IsWon: false,
        StageName: 'Closed Lost',
      },
    ]);
    expect(array.body).toMatchObject({ received: 2, recorded: 2 });
    const envelope = await postJson({
      OrganizationId: ORG_18,
      Opportunities: [{ ...flowRecord, Id: '0065g00000AbCdGAAV', Lead_ID__c: 'lead_flow_3' }],
    });
    expect(envelope.body).toMatchObject({ recorded: 1 });
    const before = (await scanTable(table)).length;
    const foreign = await postJson({
      OrganizationId: FOREIGN_ORG,
      Opportunities: [{ ...flowRecord, Lead_ID__c: 'lead_flow_4' }],
    });
    expect(foreign.status).toBe(403);
    expect((await scanTable(table)).length).toBe(before);
  });

  it('names invalid fields with 400 and writes nothing', async () => {
    const answer = await postJson({
      ...flowRecord,
      IsWon: 'yes',
      CloseDate: '18/11/2026',
      Contact: { Email: true },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: 'IsWon', message: 'must be true or false' },
      { field: 'CloseDate', message: 'must be an ISO 8601 date-time with zone, or a date' },
      { field: 'Contact.Email', message: 'must be text' },
    ]);
    const notAWebhook = await postJson({ hello: 'world' });
    expect(notAWebhook.status).toBe(400);
    expect(await scanTable(table)).toEqual([]);
  });
});
