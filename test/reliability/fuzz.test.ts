import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackfillResult, createBackfillHandler } from '../../functions/backfill';
import { createCollectHandler } from '../../functions/collect';
import { createHubspotWebhookHandler } from '../../functions/hubspot-webhook';
import { createSalesforceWebhookHandler } from '../../functions/salesforce-webhook';
import type { HttpEvent, HttpResult } from '../../lib/http/request';
import { hubspotSignatureHeaders } from '../../local/hubspot-signing';
import { createLambdaContext } from '../../local/lambda-context';
import { clockContext } from '../support/backfill';
import { createClock } from '../support/clock';
import { createTestTable } from '../support/dynamo';
import { httpApiEvent } from '../support/http-event';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { countCommands } from '../support/write-counter';

/**
 * Bad input on every surface, 10,000+ seeded cases in all, straight into the Lambda handlers: whatever
 * arrives, the answer is never a 5xx (for the backfill's manual invoke: never a throw), and a rejected
 * request (4xx, or a refused backfill input) writes nothing to DynamoDB — counted per case at the DynamoDB
 * client. Inputs range from noise to near-misses of real payloads, so both the
 * authentication and the validation layers are exercised (and a near-miss may be valid and accepted).
 */
const SEED = 20261123;
const NOW = Date.UTC(2026, 10, 20, 12);
const BASE = 'https://hooks.example.com';
const HOST = new URL(BASE).host;
const SECRET = 'hubspot-fuzz-secret';
const SF_TOKEN = 'salesforce-fuzz-token-0123456789';
const SF_ORG = '00D5g000004ABCDEA4';

type Handler = (event: HttpEvent, context: ReturnType<typeof createLambdaContext>) => Promise<unknown>;
let handlers: { collect: Handler; hubspot: Handler; salesforce: Handler };
let backfill: (input: unknown) => Promise<BackfillResult>;
/** The backfill's own clock: it moves only with the (stubbed) CRM requests, so each run ends in seconds. */
const backfillClock = createClock(NOW);
let crmRequests = 0;
let counter: ReturnType<typeof countCommands>;
/** Writes made by accepted cases: proof that the counter sees the store's writes at all. */
let acceptedWrites = 0;

beforeAll(async () => {
  const table = await createTestTable();
  counter = countCommands(table.client);
  const runtime = createTestRuntime(
    table,
    {
      HUBSPOT_CLIENT_SECRET: SECRET,
      PUBLIC_BASE_URL: BASE,
      SALESFORCE_ORG_ID: SF_ORG,
      SALESFORCE_WEBHOOK_TOKEN: SF_TOKEN,
    },
    { now: createClock(NOW).now },
  );
  handlers = {
    collect: createCollectHandler(runtime) as Handler,
    hubspot: createHubspotWebhookHandler(runtime) as Handler,
    salesforce: createSalesforceWebhookHandler(runtime) as Handler,
  };
  // Both CRMs configured, answered by a stub that finds nothing and takes 2 s of the backfill's clock.
  const crmFetch: typeof fetch = async (input) => {
    crmRequests++;
    backfillClock.advance(2000);
    const url = String(input);
    if (url.includes('/objects/deals/search')) return Response.json({ total: 0, results: [] });
    if (url.includes('/query')) return Response.json({ totalSize: 0, done: true, records: [] });
    return Response.json({ message: 'not found' }, { status: 404 });
  };
  const backfillRuntime = createTestRuntime(
    table,
    {
      HUBSPOT_ACCESS_TOKEN: 'pat-fuzz-0123456789',
      HUBSPOT_API_BASE_URL: 'http://127.0.0.1:9',
      SALESFORCE_INSTANCE_URL: 'http://127.0.0.1:9',
      SALESFORCE_ACCESS_TOKEN: '00Dfuzz!token',
    },
    { now: backfillClock.now, fetch: crmFetch },
  );
  const handler = createBackfillHandler(backfillRuntime, {
    pollTuning: { hubspot: { searchIntervalMs: 0 } },
    sleep: async (ms) => backfillClock.advance(ms),
    random: () => 0.5,
  });
  // A minute of Lambda time: 40 s once the safety margin is kept, half of it for polling.
  backfill = (input) => handler(input, clockContext(backfillClock.now, 60_000));
});

/** Sends one case; asserts no 5xx, and no write when the request was refused. */
async function send(handler: Handler, event: HttpEvent): Promise<number> {
  counter.reset();
  const result = (await handler(event, createLambdaContext('collect'))) as HttpResult;
  const status = result.statusCode ?? 200;
  expect(status).toBeLessThan(500);
  if (status >= 400) expect(counter.writes()).toBe(0);
  else acceptedWrites += counter.writes();
  return status;
}

const text = fc.string({ maxLength: 40 });
const junk = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.object({ maxDepth: 2 }),
  fc.array(text, { maxLength: 3 }),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const reshapeLike = fc.record(
  {
    event: fc.record(
      {
        name: fc.oneof(
          fc.constantFrom('lead_created', 'lead_closed', 'checkout_completed', 'page_viewed'),
          junk,
        ),
        id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), junk),
        value: fc.oneof(fc.double({ min: -10, max: 1e6, noNaN: true }), junk),
        currency: fc.oneof(fc.constantFrom('USD', 'eur', 'XX'), junk),
        timestamp: fc.oneof(
          fc.integer({ min: 0, max: 5e12 }),
          fc.constantFrom('2026-11-20T12:00:00Z', 'yesterday'),
        ),
        properties: maybe(
          fc.record(
            { close_outcome: fc.oneof(fc.constantFrom('won', 'lost'), junk), sales_cycle_days: junk },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
    context: maybe(
      fc.record(
        {
          url: fc.oneof(fc.webUrl({ withQueryParameters: true }), junk),
          ip: fc.oneof(fc.ipV4(), junk),
          environment: junk,
        },
        { requiredKeys: [] },
      ),
    ),
    user: maybe(
      fc.record(
        {
          email: fc.oneof(fc.emailAddress(), junk),
          phone: fc.oneof(fc.constantFrom('+14155550100', '(415) 555-0100', '12'), junk),
          country: junk,
        },
        { requiredKeys: [] },
      ),
    ),
    consent: maybe(
      fc.record(
        {
          analytics: fc.oneof(fc.boolean(), junk),
          personalization: fc.boolean(),
          marketing: fc.oneof(fc.boolean(), junk),
        },
        { requiredKeys: [] },
      ),
    ),
    products: maybe(
      fc.array(fc.record({ id: junk, name: junk, price: junk }, { requiredKeys: [] }), { maxLength: 3 }),
    ),
  },
  { requiredKeys: [] },
);
const croctLike = fc.record(
  {
    leadId: fc.oneof(fc.string({ maxLength: 120 }), junk),
    value: junk,
    currency: junk,
    lead: maybe(fc.record({ email: junk, phone: junk, address: junk }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

const collectBody = fc.oneof(
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.json() },
  { weight: 4, arbitrary: reshapeLike.map((value) => JSON.stringify(value)) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(reshapeLike, croctLike), { maxLength: 4 })
      .map((value) => JSON.stringify(value)),
  },
  { weight: 2, arbitrary: croctLike.map((value) => JSON.stringify(value)) },
);

describe('fuzzing every input surface (seeded)', () => {
  it('collect: 4,000 cases', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        collectBody,
        fc.constantFrom(TEST_COLLECT_KEY, TEST_COLLECT_KEY, TEST_COLLECT_KEY, 'wrong-key-0123456789', ''),
        async (body, key) => {
          const status = await send(
            handlers.collect,
            httpApiEvent({
              host: HOST,
              routeKey: 'POST /v1/events',
              path: '/v1/events',
              body,
              headers: key ? { 'x-api-key': key } : {},
              requestId: 'fuzz',
              now: NOW,
            }),
          );
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        },
      ),
      { seed: SEED, numRuns: 4000 },
    );
    // The generator must reach past authentication and validation, or the property proves little.
    expect(statuses.get(401)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(1000);
  });

  const hubspotEvent = fc.record(
    {
      eventId: fc.oneof(fc.integer({ min: 0, max: 1e9 }), junk),
      subscriptionId: fc.oneof(fc.integer({ min: 0 }), junk),
      portalId: fc.oneof(fc.integer({ min: 0 }), junk),
      occurredAt: fc.oneof(fc.integer({ min: NOW - 10 ** 10, max: NOW }), junk),
      subscriptionType: fc.oneof(
        fc.constantFrom('deal.propertyChange', 'deal.creation', 'object.propertyChange', 'contact.creation'),
        junk,
      ),
      objectId: fc.oneof(fc.integer({ min: 1, max: 1e6 }), junk),
      objectTypeId: fc.oneof(fc.constantFrom('0-3', '0-1'), junk),
      propertyName: fc.oneof(fc.constantFrom('dealstage', 'amount', 'lead_id'), junk),
      propertyValue: fc.oneof(
        fc.constantFrom('closedwon', 'closedlost', 'appointmentscheduled', '4500'),
        junk,
      ),
    },
    { requiredKeys: [] },
  );
  const hubspotBody = fc.oneof(
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: fc.json() },
    { weight: 5, arbitrary: fc.array(hubspotEvent, { maxLength: 5 }).map((value) => JSON.stringify(value)) },
    {
      weight: 2,
      arbitrary: fc
        .dictionary(
          fc.constantFrom('hs_object_id', 'dealstage', 'amount', 'lead_id', 'properties', 'objectId'),
          junk,
        )
        .map((value) => JSON.stringify(value)),
    },
  );

  it('hubspot-webhook: 3,000 cases, most correctly signed', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        hubspotBody,
        fc.constantFrom('v3', 'v3', 'v3', 'bad', 'stale'),
        async (body, signing) => {
          const signature = hubspotSignatureHeaders({
            clientSecret: signing === 'bad' ? 'not-the-secret' : SECRET,
            uri: `${BASE}/webhooks/hubspot`,
            body,
            timestamp: signing === 'stale' ? NOW - 10 * 60_000 : NOW,
          });
          const status = await send(
            handlers.hubspot,
            httpApiEvent({
              host: HOST,
              routeKey: 'POST /webhooks/hubspot',
              path: '/webhooks/hubspot',
              body,
              headers: { 'content-type': 'application/json', ...signature },
              requestId: 'fuzz',
              now: NOW,
            }),
          );
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
    expect(statuses.get(401)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(500);
  });

  const opportunityXml = fc
    .record({
      id: fc.oneof(fc.constantFrom('0065g00000AbCdEAAV'), fc.string({ maxLength: 20 })),
      won: fc.constantFrom('true', 'false', 'maybe', ''),
      closed: fc.constantFrom('true', 'false', 'x'),
      amount: fc.oneof(fc.constantFrom('25000.0', '-1', 'abc'), fc.string({ maxLength: 8 })),
      modified: fc.constantFrom('2026-11-20T11:00:00.000Z', 'not a date', ''),
      lead: fc.string({ maxLength: 12 }),
    })
    .map(
      (opportunity) =>
        `<Notification><Id>04l5g000001AAAAAA4</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>${opportunity.id}</sf:Id><sf:IsWon>${opportunity.won}</sf:IsWon><sf:IsClosed>${opportunity.closed}</sf:IsClosed><sf:Amount>${opportunity.amount}</sf:Amount><sf:LastModifiedDate>${opportunity.modified}</sf:LastModifiedDate><sf:Lead_ID__c>${opportunity.lead}</sf:Lead_ID__c></sObject></Notification>`,
    );
  const soapBody = fc
    .tuple(fc.constantFrom(SF_ORG, '00D000000000001AAA', 'junk'), fc.array(opportunityXml, { maxLength: 3 }))
    .map(
      ([org, notifications]) =>
        `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${org}</OrganizationId>${notifications.join('')}</notifications></soapenv:Body></soapenv:Envelope>`,
    );
  const flowBody = fc
    .record(
      {
        Id: junk,
        IsWon: fc.oneof(fc.boolean(), junk),
        IsClosed: fc.oneof(fc.boolean(), junk),
        Amount: junk,
        StageName: junk,
        Lead_ID__c: junk,
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value));

  it('salesforce-webhook: 3,000 cases, most with the right path token', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: soapBody },
          { weight: 2, arbitrary: flowBody },
          { weight: 1, arbitrary: text },
          { weight: 1, arbitrary: fc.json() },
        ),
        fc.constantFrom(SF_TOKEN, SF_TOKEN, SF_TOKEN, 'wrong-token-0123456789'),
        fc.constantFrom('text/xml; charset=utf-8', 'application/json'),
        async (body, token, contentType) => {
          const status = await send(
            handlers.salesforce,
            httpApiEvent({
              host: HOST,
              routeKey: 'POST /webhooks/salesforce/{token}',
              path: `/webhooks/salesforce/${token}`,
              body,
              headers: { 'content-type': contentType },
              pathParameters: { token },
              requestId: 'fuzz',
              now: NOW,
            }),
          );
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
    expect(statuses.get(401)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(500);
  });

  const isoTime = fc
    .integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(2030, 0, 1) })
    .chain((ms) =>
      fc.constantFrom(
        new Date(ms).toISOString(),
        new Date(ms).toISOString().slice(0, 10),
        new Date(ms).toISOString().replace('Z', '+02:00'),
        new Date(ms).toISOString().slice(0, 19),
        new Date(ms).toISOString().replace('T', ' '),
        ` ${new Date(ms).toISOString()} `,
        String(ms),
      ),
    );
  const recent = fc
    .integer({ min: NOW - 3 * 86_400_000, max: NOW + 86_400_000 })
    .map((ms) => new Date(ms).toISOString());
  const flag = fc.oneof(fc.boolean(), fc.boolean(), fc.constantFrom('true', 'false', 1, 0, null), junk);
  const manualLike = fc.record(
    {
      since: fc.oneof(recent, isoTime, junk),
      until: fc.oneof(recent, isoTime, junk),
      dryRun: flag,
      retryNow: flag,
      retrynow: fc.boolean(),
      window: text,
    },
    { requiredKeys: [] },
  );
  const scheduleLike = fc.oneof(
    fc.record(
      { source: fc.oneof(fc.constant('schedule'), fc.constant('aws.events'), junk), extra: junk },
      { requiredKeys: ['source'] },
    ),
    fc.record(
      {
        version: fc.constant('0'),
        source: fc.oneof(fc.constant('aws.events'), junk),
        'detail-type': fc.oneof(fc.constant('Scheduled Event'), fc.constant('Object Created'), junk),
        time: isoTime,
        detail: fc.oneof(fc.constant({}), junk),
      },
      { requiredKeys: ['detail-type'] },
    ),
  );
  // What an operator means to type: a window (since before until), flags, each part optional.
  const manualWindow = fc
    .record(
      {
        since: fc.integer({ min: NOW - 5 * 86_400_000, max: NOW - 3_600_000 }),
        length: fc.integer({ min: 1, max: 2 * 86_400_000 }),
        dryRun: fc.boolean(),
        retryNow: fc.boolean(),
        parts: fc.subarray(['since', 'until', 'dryRun', 'retryNow']),
      },
      { requiredKeys: ['since', 'length', 'dryRun', 'retryNow', 'parts'] },
    )
    .map(({ since, length, dryRun, retryNow, parts }) => {
      const all: Record<string, unknown> = {
        since: new Date(since).toISOString(),
        until: new Date(since + length).toISOString(),
        dryRun,
        retryNow,
      };
      return Object.fromEntries(parts.map((part) => [part, all[part]]));
    });
  const backfillInput = fc.oneof(
    { weight: 3, arbitrary: manualWindow },
    { weight: 4, arbitrary: manualLike },
    { weight: 2, arbitrary: scheduleLike },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, {}, [], '', 'schedule', 0) },
  );

  it('backfill (manual invoke and schedule input): 600 cases, never a throw, a refusal runs nothing', async () => {
    const outcomes = { refused: 0, ran: 0, dryRuns: 0 };
    await fc.assert(
      fc.asyncProperty(backfillInput, async (input) => {
        counter.reset();
        const requestsBefore = crmRequests;
        // A throw is the invoke's 5xx: Lambda reports a function error and the caller retries.
        const result = await backfill(input);
        if (!result.ok) {
          outcomes.refused++;
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(issue).toEqual({ field: expect.any(String), message: expect.any(String) });
          }
          // Refused before anything ran: no DynamoDB call at all, no CRM request.
          expect(counter.total()).toBe(0);
          expect(crmRequests).toBe(requestsBefore);
          return;
        }
        outcomes.ran++;
        if ('dryRun' in result && result.dryRun) {
          outcomes.dryRuns++;
          // A rehearsal reads and builds, and writes nothing.
          expect(counter.writes()).toBe(0);
        }
        acceptedWrites += counter.writes();
      }),
      { seed: SEED, numRuns: 600 },
    );
    // Both sides of the surface are reached: refusals, real runs and rehearsals.
    expect(outcomes.refused).toBeGreaterThan(200);
    expect(outcomes.ran).toBeGreaterThan(50);
    expect(outcomes.dryRuns).toBeGreaterThan(10);
  });

  it('saw the writes of the cases that were accepted (the per-case write check can fail)', () => {
    expect(acceptedWrites).toBeGreaterThan(0);
  });
});
