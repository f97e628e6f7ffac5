import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import { loadConfig } from '../../lib/config';
import { ConfigurationError } from '../../lib/errors';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type LocalApi, startLocalApi } from '../support/local-api';
import { createTestRuntime } from '../support/runtime';

/**
 * Issue 18 item 8 through the local server as `npm start` serves it: it is plain HTTP and says so, a path
 * the caller mis-encoded is the caller's 4xx, and a Salesforce org ID with a wrong checksum stops start-up.
 */
const SECRET = 'local-truth-hubspot-secret';
const T0 = Date.UTC(2026, 11, 1, 12);

let table: TestTable;
let api: LocalApi;
let clock: ReturnType<typeof createClock>;

beforeEach(async () => {
  table = await createTestTable();
  clock = createClock(T0, { realTime: true });
  const runtime = createTestRuntime(
    table,
    {
      HUBSPOT_CLIENT_SECRET: SECRET,
      SALESFORCE_ORG_ID: '00D5g000004ABCDEA4',
      SALESFORCE_WEBHOOK_TOKEN: 'local-truth-salesforce-token',
    },
    { now: clock.now },
  );
  api = await startLocalApi({
    'hubspot-webhook': createHubspotWebhookHandler(runtime),
    'salesforce-webhook': createSalesforceWebhookHandler(runtime),
  });
});

afterEach(async () => {
  await api.close();
});

const body = JSON.stringify([
  { eventId: 1, occurredAt: T0, subscriptionType: 'contact.creation', objectId: 5 },
]);

function signedOver(uri: string) {
  return hubspotSignatureHeaders({ clientSecret: SECRET, uri, body, timestamp: clock.now() });
}

describe('the local server tells the handlers it is plain HTTP', () => {
  it('verifies a HubSpot v3 signature over http://127.0.0.1:<port>/webhooks/hubspot without PUBLIC_BASE_URL', async () => {
    const response = await fetch(`${api.baseUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedOver(`${api.baseUrl}/webhooks/hubspot`) },
      body,
    });
    expect(response.status).toBe(200);
  });

  it('refuses a signature over https:// when the caller came over http', async () => {
    const host = new URL(api.baseUrl).host;
    const response = await fetch(`${api.baseUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedOver(`https://${host}/webhooks/hubspot`) },
      body,
    });
    expect(response.status).toBe(401);
  });

  it('lets a proxy in front say what the caller saw: X-Forwarded-Proto and X-Forwarded-Host win', async () => {
    const response = await fetch(`${api.baseUrl}/webhooks/hubspot?portal=1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'hooks.example.com',
        ...signedOver('https://hooks.example.com/webhooks/hubspot?portal=1'),
      },
      body,
    });
    expect(response.status).toBe(200);
  });
});

describe('a malformed percent-encoding in a path', () => {
  it.each(['%zz', '%', 'abc%E0%A4%A'])('is a 400 naming the path, not a 500 (%s)', async (segment) => {
    const response = await fetch(`${api.baseUrl}/webhooks/salesforce/${segment}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<x/>',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'path: has a malformed percent-encoding',
      issues: [{ field: 'path', message: 'has a malformed percent-encoding' }],
    });
  });
});

describe('SALESFORCE_ORG_ID', () => {
  it('stops start-up naming it when its 18-character checksum is wrong', () => {
    let thrown: unknown;
    try {
      loadConfig({ SALESFORCE_ORG_ID: '00D5g000004ABCDEA5' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as ConfigurationError).variables).toEqual(['SALESFORCE_ORG_ID']);
    expect((thrown as Error).message).toContain('checksum');
    // Its 15-character form, and the right 18-character one, start.
    expect(loadConfig({ SALESFORCE_ORG_ID: '00D5g000004ABCD' }).salesforce.orgId).toBe('00D5g000004ABCD');
    expect(loadConfig({ SALESFORCE_ORG_ID: '00D5g000004ABCDEA4' }).salesforce.orgId).toBe(
      '00D5g000004ABCDEA4',
    );
  });
});
