import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { sha256Hex } from '../../lib/leads/hash';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createClock, HOUR, MINUTE, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { hubspotStageEvent } from '../support/hubspot-events';
import { startLocalApi } from '../support/local-api';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';

/**
 * Issue 16's "done when", end to end through the local server: leads captured with a German national phone
 * (`(030) 901820`, country DE), a Polish postcode, a US ZIP+4 and `Lead-ABC` as the lead (user) ID, closed in
 * HubSpot, reach Meta and Google with the hashes the platforms' own pages document (docs/match-quality.md):
 * - Meta `ph` digits with the country code, no "+", no trunk 0; Google `phoneNumber` E.164 — `4930901820` / `+4930901820`;
 * - Meta `zp` without spaces or dash (`00950`), US the first five digits (`94105`); Google `postalCode` in clear,
 *   as given (`00-950`) and US ZIP+4 kept (`94105-1234`);
 * - `external_id` the hash of the lead ID trimmed and lowercased (`lead-abc`), as Meta's parameter builder does.
 */
const BASE = 'https://hooks.example.com';
const SECRET = 'hubspot-client-secret-match';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const CONSENT = { analytics: true, personalization: true, marketing: true };

let table: TestTable;
let platforms: Platforms;
let hubspot: FakeHubspot;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;

beforeEach(async () => {
  clock = createClock(T0, { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  hubspot = await startFakeHubspot();
  const runtime = createTestRuntime(
    table,
    {
      ...platforms.env,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      PUBLIC_BASE_URL: BASE,
    },
    { now: clock.now },
  );
  api = await startLocalApi({
    collect: createCollectHandler(runtime),
    'hubspot-webhook': createHubspotWebhookHandler(runtime),
  });
});

afterEach(async () => {
  await api.close();
  expect(platforms.violations()).toEqual([]);
  expect(hubspot.violations).toEqual([]);
  await Promise.all([platforms.close(), hubspot.close()]);
});

async function capture(leadId: string, user: Record<string, string>) {
  const response = await fetch(`${api.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    body: JSON.stringify({
      event: { name: 'lead_created', id: leadId, timestamp: T0 - 5 * 24 * HOUR },
      context: { url: `https://example.com/demo?gclid=EAIaIQobChMI-${leadId}` },
      user,
      consent: CONSENT,
    }),
  });
  expect(response.status).toBe(202);
}

const WON = {
  dealstage: 'closedwon',
  pipeline: 'default',
  amount: '1000',
  deal_currency_code: 'EUR',
  hs_is_closed_won: 'true',
  hs_is_closed: 'true',
  closedate: new Date(T0 - 3 * MINUTE).toISOString(),
  hs_lastmodifieddate: new Date(T0 - 2 * MINUTE).toISOString(),
};

type MetaEvent = { user_data: Record<string, unknown> };
type GoogleEvent = { userData: { userIdentifiers: Record<string, unknown>[] } };

describe('a lead captured with national, Polish and ZIP+4 values → Meta and Google, end to end', () => {
  it('produces the documented hashes at both platforms', async () => {
    await capture('Lead-ABC', { email: 'Anna.Muster@Example.de ', phone: '(030) 901820', country: 'DE' });
    await capture('lead_pl', {
      first_name: 'Zofia',
      last_name: 'Nowak',
      postal_code: '00-950',
      country: 'PL',
    });
    await capture('lead_zip4', {
      first_name: 'Jane',
      last_name: 'Doe',
      postal_code: '94105-1234',
      country: 'US',
    });
    hubspot.deals.set('501', { ...WON, lead_id: 'Lead-ABC' });
    hubspot.deals.set('502', { ...WON, lead_id: 'lead_pl' });
    hubspot.deals.set('503', { ...WON, lead_id: 'lead_zip4' });
    const body = JSON.stringify([
      hubspotStageEvent(1, 501, 'closedwon', T0 - MINUTE),
      hubspotStageEvent(2, 502, 'closedwon', T0 - MINUTE),
      hubspotStageEvent(3, 503, 'closedwon', T0 - MINUTE),
    ]);

    const response = await fetch(`${api.baseUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...hubspotSignatureHeaders({
          clientSecret: SECRET,
          uri: `${BASE}/webhooks/hubspot`,
          body,
          timestamp: clock.now(),
        }),
      },
      body,
    });
    expect(response.status).toBe(200);

    const meta = (leadId: string) =>
      (platforms.meta.events.get(`LeadClosed|${leadId}`) as MetaEvent).user_data;
    const google = (leadId: string) =>
      (platforms.dataManager.conversions.get(`${ACCOUNTS.won}|${leadId}`)?.event as GoogleEvent | undefined)
        ?.userData.userIdentifiers;

    // (030) 901820 in Germany: +49 30 901820 — no double country code, no trunk 0.
    expect(meta('Lead-ABC')).toMatchObject({
      ph: [sha256Hex('4930901820')],
      em: [sha256Hex('anna.muster@example.de')],
      country: sha256Hex('de'),
      external_id: [sha256Hex('lead-abc')],
    });
    expect(google('Lead-ABC')).toEqual(
      expect.arrayContaining([
        { phoneNumber: sha256Hex('+4930901820') },
        { emailAddress: sha256Hex('anna.muster@example.de') },
      ]),
    );

    // PL 00-950: Meta "no spaces and no dash"; Google's postalCode in clear as written.
    expect(meta('lead_pl')).toMatchObject({
      zp: sha256Hex('00950'),
      fn: sha256Hex('zofia'),
      ln: sha256Hex('nowak'),
      country: sha256Hex('pl'),
      external_id: [sha256Hex('lead_pl')],
    });
    expect(google('lead_pl')).toEqual([
      {
        address: {
          givenName: sha256Hex('zofia'),
          familyName: sha256Hex('nowak'),
          regionCode: 'PL',
          postalCode: '00-950',
        },
      },
    ]);

    // US ZIP+4: Meta the first five digits; Google keeps the +4 ("may improve your match rate").
    expect(meta('lead_zip4')).toMatchObject({ zp: sha256Hex('94105'), country: sha256Hex('us') });
    expect(google('lead_zip4')).toEqual([
      {
        address: {
          givenName: sha256Hex('jane'),
          familyName: sha256Hex('doe'),
          regionCode: 'US',
          postalCode: '94105-1234',
        },
      },
    ]);
  });
});
