import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClock } from '../support/conversions';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';

/** The fakes must fail loudly on a request that breaks the platform contract, or the other tests prove nothing. */
let platforms: Platforms;
const clock = createClock();
const hash = 'a'.repeat(64);

beforeEach(async () => {
  platforms = await startPlatforms({ now: clock.now });
});

afterEach(async () => {
  await platforms.close();
});

async function token(): Promise<string> {
  const response = await fetch(platforms.oauth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: platforms.env.GOOGLE_ADS_CLIENT_ID as string,
      client_secret: platforms.env.GOOGLE_ADS_CLIENT_SECRET as string,
      refresh_token: platforms.env.GOOGLE_ADS_REFRESH_TOKEN as string,
      grant_type: 'refresh_token',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('Data Manager fake', () => {
  const destination = {
    reference: 'won',
    operatingAccount: { accountId: ACCOUNTS.customerId, accountType: 'GOOGLE_ADS' },
    productDestinationId: ACCOUNTS.won,
  };
  const event = {
    destinationReferences: ['won'],
    transactionId: 'lead-1',
    eventTimestamp: '2026-11-20T09:00:00.000Z',
    eventSource: 'OTHER',
    adIdentifiers: { gclid: 'abc' },
  };

  it('accepts a request that follows the contract', async () => {
    const response = await post(
      `${platforms.dataManager.url}/v1/events:ingest`,
      { destinations: [destination], events: [event], encoding: 'HEX' },
      { authorization: `Bearer ${await token()}` },
    );
    expect(response.status).toBe(200);
    expect(platforms.dataManager.violations).toEqual([]);
  });

  it.each([
    ['both braids', { ...event, adIdentifiers: { gbraid: 'g', wbraid: 'w' } }, 'more than one click id'],
    [
      'a plaintext email',
      { ...event, userData: { userIdentifiers: [{ emailAddress: 'jane@example.com' }] } },
      'hex SHA-256',
    ],
    ['a seconds timestamp', { ...event, eventTimestamp: '1763629200' }, 'RFC 3339'],
    [
      'a half address',
      { ...event, userData: { userIdentifiers: [{ address: { givenName: hash, familyName: hash } }] } },
      'regionCode',
    ],
  ])('refuses %s and records the violation', async (_name, bad, problem) => {
    const response = await post(
      `${platforms.dataManager.url}/v1/events:ingest`,
      { destinations: [destination], events: [bad], encoding: 'HEX' },
      { authorization: `Bearer ${await token()}` },
    );
    expect(response.status).toBe(400);
    expect(platforms.dataManager.violations.join('\n')).toContain(problem);
  });

  it('refuses more than 2,000 events', async () => {
    await post(
      `${platforms.dataManager.url}/v1/events:ingest`,
      { destinations: [destination], events: Array(2001).fill(event), encoding: 'HEX' },
      { authorization: `Bearer ${await token()}` },
    );
    expect(platforms.dataManager.violations.join('\n')).toContain('1 to 2,000');
  });
});

describe('Google Ads fake', () => {
  it('refuses a developer-token that was not configured and a bad date-time', async () => {
    const response = await post(
      `${platforms.ads.url}/v26/customers/${ACCOUNTS.customerId}:uploadClickConversions`,
      {
        partialFailure: true,
        conversions: [
          {
            gclid: 'g',
            conversionAction: `customers/${ACCOUNTS.customerId}/conversionActions/${ACCOUNTS.won}`,
            conversionDateTime: '2026-11-20T09:00:00Z',
            conversionValue: 1,
            currencyCode: 'USD',
            orderId: 'o',
          },
        ],
      },
      { authorization: `Bearer ${await token()}`, 'developer-token': 'x' },
    );
    expect(response.status).toBe(400);
    expect(platforms.ads.violations.join('\n')).toMatch(/developer-token[\s\S]*conversionDateTime/);
  });
});

describe('Meta fake', () => {
  const url = () => `${platforms.meta.url}/v26.0/${ACCOUNTS.pixelId}/events`;
  const good = {
    event_name: 'LeadClosed',
    event_time: Math.floor(clock.now() / 1000) - 60,
    action_source: 'system_generated',
    event_id: 'lead-1',
    user_data: { em: [hash] },
    custom_data: { event_source: 'crm', lead_event_source: 'HubSpot', value: 1, currency: 'USD' },
  };

  it('answers 190 for a wrong token', async () => {
    const response = await post(url(), { data: [good], access_token: 'wrong' });
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(190);
  });

  it.each([
    ['milliseconds', { ...good, event_time: clock.now() }, 'milliseconds'],
    [
      'an old event',
      { ...good, event_time: Math.floor(clock.now() / 1000) - 8 * 86_400 },
      'older than 7 days',
    ],
    ['an unhashed email', { ...good, user_data: { em: ['jane@example.com'] } }, 'user_data.em'],
    ['a malformed fbc', { ...good, user_data: { em: [hash], fbc: 'fb.1.123.abc' } }, 'fbc'],
    ['a CRM event without event_source', { ...good, custom_data: { value: 1 } }, 'event_source'],
  ])('refuses %s and records the violation', async (_name, bad, problem) => {
    const response = await post(url(), { data: [bad], access_token: ACCOUNTS.metaToken });
    expect(response.status).toBe(400);
    expect(platforms.meta.violations.join('\n')).toContain(problem);
  });
});
