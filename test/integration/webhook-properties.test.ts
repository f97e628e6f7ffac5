import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { startLocalApi } from '../support/local-api';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * Whatever a caller sends, the webhooks answer 2xx or 4xx, never 5xx, and a rejected request writes
 * nothing (DESIGN.md "Answers"). Bodies are random, near-miss versions of real payloads, or correctly
 * signed garbage, so that both the authentication and the validation layers are exercised.
 */
const SECRET = 'hubspot-property-test-secret';
const BASE = 'https://hooks.example.com';
const TOKEN = 'sf-property-test-token-0123456789';
const ORG = '00D5g000004ABCDEA4';
const NOW = Date.UTC(2026, 10, 20, 12);

let table: TestTable;
let api: Awaited<ReturnType<typeof startLocalApi>>;

beforeAll(async () => {
  table = await createTestTable();
  const runtime = createTestRuntime(
    table,
    {
      HUBSPOT_CLIENT_SECRET: SECRET,
      PUBLIC_BASE_URL: BASE,
      SALESFORCE_ORG_ID: ORG,
      SALESFORCE_WEBHOOK_TOKEN: TOKEN,
    },
    { now: createClock(NOW).now },
  );
  api = await startLocalApi({
    'hubspot-webhook': createHubspotWebhookHandler(runtime),
    'salesforce-webhook': createSalesforceWebhookHandler(runtime),
  });
});

afterAll(async () => {
  expect(await scanTable(table)).toEqual([]);
  await api.close();
});

const headerValue = fc.string({ maxLength: 80 }).map((value) => value.replace(/[^\x20-\x7e]/g, ''));
const hubspotHeaders = fc.dictionary(
  fc.constantFrom(
    'x-hubspot-signature-v3',
    'x-hubspot-request-timestamp',
    'x-hubspot-signature',
    'x-hubspot-signature-version',
    'content-type',
    'x-forwarded-proto',
  ),
  headerValue,
);

const VALID_EVENT = {
  eventId: 100,
  subscriptionId: 1,
  portalId: 62515,
  appId: 54321,
  occurredAt: NOW - 60_000,
  subscriptionType: 'deal.propertyChange',
  attemptNumber: 0,
  objectId: 101,
  propertyName: 'dealstage',
  propertyValue: 'closedwon',
};

/** A real-looking event with one required field broken: must be refused, never half-recorded. */
const nearMissEvent = fc
  .tuple(
    fc.constantFrom('eventId', 'occurredAt', 'subscriptionType', 'objectId'),
    fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.double(),
      fc.constant(null),
      fc.constant(-1),
      fc.object(),
    ),
  )
  .map(([field, value]) => {
    const event: Record<string, unknown> = { ...VALID_EVENT, [field]: value };
    if (value === undefined) delete event[field];
    return event;
  })
  .filter((event) => {
    // Keep only breakages the schema must refuse (a numeric-string ID is valid, for instance).
    const id = event.eventId;
    const object = event.objectId;
    const okId = (value: unknown) =>
      (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
      (typeof value === 'string' && /^\s*\d{1,20}\s*$/.test(value));
    const okTime =
      typeof event.occurredAt === 'number' &&
      Number.isInteger(event.occurredAt) &&
      event.occurredAt >= 946_684_800_000 &&
      event.occurredAt <= 4_102_444_800_000;
    const okType = typeof event.subscriptionType === 'string' && event.subscriptionType.length > 0;
    return !(okId(id) && okId(object) && okTime && okType);
  });

async function postHubspot(body: string, headers: Record<string, string>) {
  const response = await fetch(`${api.baseUrl}/webhooks/hubspot`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

async function postSalesforce(token: string, body: string, contentType: string) {
  const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const text = await response.text();
  return { status: response.status, text };
}

describe('POST /webhooks/hubspot properties', () => {
  it('random bodies with random HubSpot headers are refused, never with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), hubspotHeaders, async (body, headers) => {
        const status = await postHubspot(body, headers);
        expect([400, 401, 413]).toContain(status);
      }),
      { numRuns: 150 },
    );
  });

  it('correctly signed random JSON is a 400, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const body = JSON.stringify(value) ?? 'null';
        const headers = hubspotSignatureHeaders({
          clientSecret: SECRET,
          uri: `${BASE}/webhooks/hubspot`,
          body,
          timestamp: NOW,
        });
        const status = await postHubspot(body, { 'content-type': 'application/json', ...headers });
        expect(status).toBe(400);
      }),
      { numRuns: 150 },
    );
  });

  it('correctly signed batches with one broken event are a 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nearMissEvent, { minLength: 1, maxLength: 5 }), async (events) => {
        const body = JSON.stringify([VALID_EVENT, ...events]);
        const headers = hubspotSignatureHeaders({
          clientSecret: SECRET,
          uri: `${BASE}/webhooks/hubspot`,
          body,
          timestamp: NOW,
        });
        const status = await postHubspot(body, { 'content-type': 'application/json', ...headers });
        expect(status).toBe(400);
      }),
      { numRuns: 100 },
    );
  });
});

const SOAP_FRAGMENTS = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
  '</soapenv:Envelope>',
  '<soapenv:Body>',
  '</soapenv:Body>',
  '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">',
  '</notifications>',
  '<OrganizationId>00D5g000009ZZZZEA4</OrganizationId>',
  '<Notification>',
  '</Notification>',
  '<Id>04l5g000001AAAAAA4</Id>',
  '<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">',
  '</sObject>',
  '<sf:Id>0065g00000AbCdEAAV</sf:Id>',
  '<sf:IsWon>true</sf:IsWon>',
  '<sf:Amount xsi:nil="true"/>',
  '<![CDATA[<x>]]>',
  '&amp;',
  '&bogus;',
  '<!-- c -->',
  '<',
  '>',
  '"',
];

const soapish = fc
  .array(fc.oneof(fc.constantFrom(...SOAP_FRAGMENTS), fc.string({ maxLength: 10 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('POST /webhooks/salesforce/{token} properties', () => {
  it('random tokens and bodies are refused, never with a 5xx, and never acknowledged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.oneof(fc.string(), soapish, fc.json()),
        fc.constantFrom('text/xml', 'application/json', 'text/plain', 'application/octet-stream'),
        async (token, body, contentType) => {
          const answer = await postSalesforce(token, body, contentType);
          expect(answer.status).toBeLessThan(500);
          expect(answer.text).not.toContain('<Ack>');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with the right token, random SOAP-like and JSON bodies are a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(soapish, fc.json(), fc.string()),
        fc.constantFrom('text/xml; charset=utf-8', 'application/json', 'text/plain'),
        async (body, contentType) => {
          const answer = await postSalesforce(TOKEN, body, contentType);
          expect([400, 403, 413]).toContain(answer.status);
        },
      ),
      { numRuns: 200 },
    );
  });
});
