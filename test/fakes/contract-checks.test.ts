import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClock } from '../support/clock';
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
      `${platforms.dataManager.baseUrl}/v1/events:ingest`,
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
      `${platforms.dataManager.baseUrl}/v1/events:ingest`,
      { destinations: [destination], events: [bad], encoding: 'HEX' },
      { authorization: `Bearer ${await token()}` },
    );
    expect(response.status).toBe(400);
    expect(platforms.dataManager.violations.join('\n')).toContain(problem);
  });

  it('refuses more than 2,000 events', async () => {
    await post(
      `${platforms.dataManager.baseUrl}/v1/events:ingest`,
      { destinations: [destination], events: Array(2001).fill(event), encoding: 'HEX' },
      { authorization: `Bearer ${await token()}` },
    );
    expect(platforms.dataManager.violations.join('\n')).toContain('1 to 2,000');
  });

  describe('requestStatus:retrieve', () => {
    const statusUrl = (query: string) => `${platforms.dataManager.baseUrl}/v1/requestStatus:retrieve${query}`;
    async function ingest(events: unknown[]): Promise<string> {
      const response = await post(
        `${platforms.dataManager.baseUrl}/v1/events:ingest`,
        { destinations: [destination], events, encoding: 'HEX' },
        { authorization: `Bearer ${await token()}` },
      );
      return ((await response.json()) as { requestId: string }).requestId;
    }

    it('answers with the proto shape: per destination, int64 counts as strings, the reasons prefixed', async () => {
      const requestId = await ingest([event, { ...event, transactionId: 'lead-2' }]);
      platforms.dataManager.setOutcome(requestId, {
        status: 'PARTIAL_SUCCESS',
        errors: { CLICK_NOT_FOUND: 1 },
      });

      const response = await fetch(statusUrl(`?requestId=${requestId}`), {
        headers: { authorization: `Bearer ${await token()}` },
      });

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        requestStatusPerDestination: [
          {
            destination,
            requestStatus: 'PARTIAL_SUCCESS',
            errorInfo: {
              errorCounts: [{ recordCount: '1', reason: 'PROCESSING_ERROR_REASON_CLICK_NOT_FOUND' }],
            },
            warningInfo: { warningCounts: [] },
            eventsIngestionStatus: { recordCount: '2' },
          },
        ],
      });
      expect(platforms.dataManager.violations).toEqual([]);
    });

    it('answers only the status while PROCESSING, and SUCCESS by default', async () => {
      const processing = await ingest([event]);
      const done = await ingest([{ ...event, transactionId: 'lead-3' }]);
      platforms.dataManager.setOutcome(processing, { status: 'PROCESSING' });
      const ask = async (id: string) =>
        (await (
          await fetch(statusUrl(`?requestId=${id}`), {
            headers: { authorization: `Bearer ${await token()}` },
          })
        ).json()) as { requestStatusPerDestination: Record<string, unknown>[] };

      expect((await ask(processing)).requestStatusPerDestination).toEqual([
        { destination, requestStatus: 'PROCESSING' },
      ]);
      expect((await ask(done)).requestStatusPerDestination[0]).toMatchObject({ requestStatus: 'SUCCESS' });
    });

    it.each([
      ['a POST', 'POST', '?requestId=dm-request-1', true, 'must be GET'],
      ['no requestId', 'GET', '', true, 'requestId: required'],
      ['an unknown requestId', 'GET', '?requestId=dm-request-999', true, 'no such request'],
      ['an unknown parameter', 'GET', '?requestId=dm-request-1&request_id=x', true, 'unknown parameter'],
      ['no bearer token', 'GET', '?requestId=dm-request-1', false, 'no bearer token'],
    ])('refuses %s and records the violation', async (_name, method, query, withToken, problem) => {
      await ingest([event]);
      const response = await fetch(statusUrl(query), {
        method,
        headers: withToken ? { authorization: `Bearer ${await token()}` } : {},
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(platforms.dataManager.violations.join('\n')).toContain(problem);
    });

    it('refuses an outcome with a reason the proto does not define', async () => {
      const requestId = await ingest([event]);
      expect(() =>
        platforms.dataManager.setOutcome(requestId, { status: 'FAILED', errors: { CLICK_MISSING: 1 } }),
      ).toThrow('no ProcessingErrorReason');
    });
  });
});

describe('Google Ads fake', () => {
  it('refuses a developer-token that was not configured and a bad date-time', async () => {
    const response = await post(
      `${platforms.ads.baseUrl}/v26/customers/${ACCOUNTS.customerId}:uploadClickConversions`,
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
  const url = () => `${platforms.meta.baseUrl}/v26.0/${ACCOUNTS.pixelId}/events`;
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

describe('Meta fake: website events', () => {
  it('refuses a website event without event_source_url or client_user_agent', async () => {
    const purchase = {
      event_name: 'Purchase',
      event_time: Math.floor(clock.now() / 1000) - 60,
      action_source: 'website',
      event_id: 'ord-1',
      user_data: { em: [hash] },
      custom_data: { value: 1, currency: 'USD' },
    };
    const response = await post(`${platforms.meta.baseUrl}/v26.0/${ACCOUNTS.pixelId}/events`, {
      data: [purchase],
      access_token: ACCOUNTS.metaToken,
    });
    expect(response.status).toBe(400);
    expect(platforms.meta.violations.join('\n')).toContain('event_source_url: required for website');
    expect(platforms.meta.violations.join('\n')).toContain('client_user_agent: required for website');
  });
});

describe('GA4 fake', () => {
  const url = (secret: string = ACCOUNTS.ga4ApiSecret) =>
    `${platforms.ga4.baseUrl}/mp/collect?measurement_id=${ACCOUNTS.ga4MeasurementId}&api_secret=${secret}`;
  const RIGHT = ACCOUNTS.ga4ApiSecret;
  const good = {
    client_id: '123.456',
    events: [
      { name: 'purchase', params: { value: 1, currency: 'USD' }, timestamp_micros: clock.now() * 1000 },
    ],
  };

  it('answers 2xx to a request that follows the contract and records its events', async () => {
    const response = await post(url(), good);
    expect(response.status).toBe(204);
    expect(platforms.ga4.violations).toEqual([]);
    expect(platforms.ga4.events).toHaveLength(1);
  });

  it.each([
    ['a wrong API secret', 'wrong', good, 'api_secret'],
    ['no client_id', RIGHT, { events: good.events }, 'client_id'],
    [
      'a millisecond timestamp',
      RIGHT,
      { ...good, events: [{ ...good.events[0], timestamp_micros: clock.now() }] },
      'timestamp_micros: microseconds',
    ],
    [
      'an event older than 72 hours',
      RIGHT,
      { ...good, events: [{ ...good.events[0], timestamp_micros: (clock.now() - 73 * 3_600_000) * 1000 }] },
      'older than 72 hours',
    ],
    ['26 events', RIGHT, { ...good, events: Array.from({ length: 26 }, () => good.events[0]) }, '1 to 25'],
    [
      'a 41-character event name',
      RIGHT,
      { ...good, events: [{ name: 'x'.repeat(41), params: {} }] },
      'invalid event name',
    ],
    [
      'a plaintext email',
      RIGHT,
      { ...good, events: [{ name: 'purchase', params: { email: 'jane@example.com' } }] },
      'plaintext identifier',
    ],
  ])(
    'still answers 2xx to %s, as GA4 does, but records the violation',
    async (_name, secret, body, problem) => {
      const response = await post(url(secret), body);
      expect(response.status).toBe(204);
      expect(platforms.ga4.violations.join('\n')).toContain(problem);
      expect(platforms.ga4.events).toHaveLength(0);
    },
  );
});

describe('TikTok fake', () => {
  const url = () => `${platforms.tiktok.baseUrl}/open_api/v1.3/event/track/`;
  const good = {
    event_source: 'web',
    event_source_id: ACCOUNTS.tiktokPixel,
    data: [
      {
        event: 'Purchase',
        event_time: Math.floor(clock.now() / 1000) - 60,
        event_id: 'ord-1',
        user: { email: [hash] },
        properties: { value: 1, currency: 'USD' },
      },
    ],
  };

  it('answers code 0 to a request that follows the contract', async () => {
    const response = await post(url(), good, { 'access-token': ACCOUNTS.tiktokToken });
    expect(await response.json()).toMatchObject({ code: 0, message: 'OK' });
    expect(platforms.tiktok.events.size).toBe(1);
  });

  it('takes crm events under the CRM Event Set ID', async () => {
    const crm = { ...good, event_source: 'crm', event_source_id: ACCOUNTS.tiktokCrmEventSet };
    const response = await post(url(), crm, { 'access-token': ACCOUNTS.tiktokToken });
    expect(await response.json()).toMatchObject({ code: 0 });
    expect(platforms.tiktok.violations).toEqual([]);
  });

  it('answers 40105 for a wrong token', async () => {
    const response = await post(url(), good, { 'access-token': 'wrong' });
    expect(await response.json()).toMatchObject({ code: 40105 });
  });

  it.each([
    ['an unknown pixel', { ...good, event_source_id: 'OTHER' }, 'event_source_id'],
    [
      'crm events under the web pixel',
      { ...good, event_source: 'crm', event_source_id: ACCOUNTS.tiktokPixel },
      'crm events need the CRM Event Set ID',
    ],
    [
      'web events under the CRM event set',
      { ...good, event_source_id: ACCOUNTS.tiktokCrmEventSet },
      'unknown pixel',
    ],
    ['an unknown event_source', { ...good, event_source: 'email' }, 'event_source'],
    ['milliseconds', { ...good, data: [{ ...good.data[0], event_time: clock.now() }] }, 'integer seconds'],
    [
      'an unhashed email',
      { ...good, data: [{ ...good.data[0], user: { email: ['jane@example.com'] } }] },
      'user.email',
    ],
  ])('refuses %s with code 40002 and records the violation', async (_name, bad, problem) => {
    const response = await post(url(), bad, { 'access-token': ACCOUNTS.tiktokToken });
    expect(await response.json()).toMatchObject({ code: 40002 });
    expect(platforms.tiktok.violations.join('\n')).toContain(problem);
  });
});
