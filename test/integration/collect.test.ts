import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { sha256Hex } from '../../lib/leads/hash';
import { createClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type LocalApi, startLocalApi } from '../support/local-api';
import { readOrder } from '../support/orders';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { scanTable } from '../support/table-items';

const SAMPLES = join(__dirname, '..', '..', 'events', 'collect');
const sampleBody = (file: string): Record<string, unknown> =>
  JSON.parse(JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')).body);

const NOW = Date.parse('2026-11-23T12:00:00Z');

type ErrorBody = { error: string; issues?: { field: string; message: string }[] };

/** Plaintext that must never reach the table: the identifiers of the samples below. */
const PLAINTEXT = [
  'jane.doe',
  'janedoe',
  'gmail.com',
  '555-0100',
  '4155550100',
  'jane',
  "o'doe",
  'san francisco',
  'carol',
  'croct.com',
  '123 some street',
  'california',
];

describe('POST /v1/events (collect)', () => {
  let table: TestTable;
  let server: LocalApi;

  beforeAll(async () => {
    table = await createTestTable();
    const runtime = createTestRuntime(table, {}, { now: createClock(NOW).now });
    server = await startLocalApi({ collect: createCollectHandler(runtime) });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    // Each test starts from an empty table.
    for (const item of await scanTable(table)) {
      await table.client.send(
        new DeleteItemCommand({ TableName: table.tableName, Key: { pk: { S: String(item.pk) } } }),
      );
    }
  });

  const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': TEST_COLLECT_KEY }) =>
    fetch(`${server.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('stores a Reshape lead_created with its click IDs, hashed identity and consent; answers 202', async () => {
    const response = await post(sampleBody('reshape-lead-created.json'));

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: ['lead_abc123'] });
    const lead = await table.store.getLead('lead_abc123');
    expect(lead).toMatchObject({
      leadId: 'lead_abc123',
      source: 'reshape',
      capturedAt: Date.parse('2026-11-02T14:05:00Z'),
      pageUrl: 'https://example.com/demo-request',
      clickIds: {
        gclid: 'EAIaIQobChMI-demo-gclid-123',
        fbclid: 'IwAR-demo-fbclid',
        fbc: `fb.1.${Date.parse('2026-11-02T14:05:00Z')}.IwAR-demo-fbclid`,
        fbp: 'fb.1.1762092300000.1098115397',
        gaClientId: '1234567890.1762092300',
      },
      userId: 'cust_abc123',
      ipAddress: '203.0.113.10',
      consent: {
        analytics: true,
        personalization: true,
        marketing: true,
        adUserData: true,
        adPersonalization: true,
      },
      revision: 1,
    });
    // Google's gmail rule: dots and +tag dropped → janedoe@gmail.com; Meta keeps them.
    expect(lead?.identity.google.emails).toEqual([sha256Hex('janedoe@gmail.com')]);
    expect(lead?.identity.meta.em).toEqual([sha256Hex('jane.doe+ads@gmail.com')]);
    expect(lead?.identity.google.phones).toEqual([sha256Hex('+14155550100')]);
    expect(lead?.identity.meta.ph).toEqual([sha256Hex('14155550100')]);
    expect(lead?.identity.google).toMatchObject({ regionCode: 'US', postalCode: '94105-1234' });
  });

  it('stores a Croct leadGenerated with gbraid and wbraid from the page URL', async () => {
    const response = await post(sampleBody('croct-lead-generated.json'));

    expect(response.status).toBe(202);
    const lead = await table.store.getLead('1ed2fd65-a027-4f3a-a35f-c6dd97537392');
    expect(lead).toMatchObject({
      source: 'croct',
      clickIds: { gbraid: '0AAAAAo-demo-gbraid', wbraid: 'CjgKEAiA-demo-wbraid' },
      value: 100,
      currency: 'USD',
      capturedAt: NOW,
    });
    expect(lead?.identity.meta.em).toHaveLength(2);
  });

  it('accepts an array and answers with every accepted ID in order', async () => {
    const body = ['a', 'b', 'c'].map((id) => ({ event: { name: 'lead_created', id: `lead_${id}` } }));

    const response = await post(body);

    expect(await response.json()).toEqual({ accepted: ['lead_a', 'lead_b', 'lead_c'] });
    expect((await scanTable(table)).length).toBe(3);
  });

  it('updates a re-sent lead: latest consent wins, click IDs are never erased, one item', async () => {
    await post({
      event: { name: 'lead_created', id: 'lead_r' },
      context: { url: 'https://x.example/?gclid=G1' },
    });
    await post({
      event: { name: 'lead_created', id: 'lead_r' },
      context: { url: 'https://x.example/thanks?fbclid=F1' },
      consent: { analytics: true, personalization: false, marketing: false },
    });

    const items = await scanTable(table);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      clickIds: { gclid: 'G1', fbclid: 'F1' },
      consent: { marketing: false },
      pageUrl: 'https://x.example/thanks',
      revision: 2,
    });
  });

  it('keeps one lead when the same lead is sent 10 times at once', async () => {
    const body = {
      event: { name: 'lead_created', id: 'lead_c' },
      context: { url: 'https://x.example/?gclid=G' },
    };

    const statuses = await Promise.all(Array.from({ length: 10 }, () => post(body).then((r) => r.status)));

    expect(statuses).toEqual(Array(10).fill(202));
    const items = await scanTable(table);
    expect(items).toHaveLength(1);
    expect(items[0]?.revision).toBe(10);
  });

  it.each([
    ['no key', {}],
    ['a wrong key', { 'x-api-key': 'not-the-key-0123456789' }],
    ['a key differing in the last character', { 'x-api-key': `${TEST_COLLECT_KEY.slice(0, -1)}x` }],
  ])('answers 401 with %s and writes nothing', async (_case, headers) => {
    const response = await post(sampleBody('reshape-lead-created.json'), headers);

    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error).toBe('missing or invalid x-api-key');
    expect(await scanTable(table)).toEqual([]);
  });

  it('answers 400 naming each invalid field and writes nothing, even for the valid events of the batch', async () => {
    const response = await post([
      { event: { name: 'lead_created', id: 'ok' } },
      { event: { name: 'lead_created' }, consent: { marketing: 'yes' } },
    ]);

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { field: '[1].event.id', message: 'required' },
        { field: '[1].consent.marketing', message: 'expected boolean, got "yes"' },
        { field: '[1].consent.analytics', message: 'required' },
      ]),
    );
    expect(body.error).toContain('[1].event.id: required');
    expect(await scanTable(table)).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await post('{"event":');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ issues: [{ field: '(body)', message: 'not valid JSON' }] });
  });

  it('accepts a checkout_completed and stores its order; a pending payment is a 400 that writes nothing', async () => {
    const seed = JSON.parse(
      readFileSync(join(__dirname, '..', 'fixtures', 'seeds', 'checkout-completed-fashion.json'), 'utf8'),
    );
    const pending = { ...seed, event: { ...seed.event, properties: { payment_status: 'Pending' } } };

    const refused = await post(pending);

    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).issues).toEqual([
      {
        field: 'event.properties.payment_status',
        message:
          'the payment is not confirmed (pending, unpaid or awaiting): send checkout_completed once the order is paid',
      },
    ]);
    expect(await scanTable(table)).toEqual([]);

    const response = await post(seed);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: ['ord_abc123'] });
    expect(await readOrder(table.store, 'ord_abc123')).toMatchObject({
      orderId: 'ord_abc123',
      value: 134.97,
    });
  });

  it('answers 413 over 1 MB and writes nothing', async () => {
    const padding = 'x'.repeat(1024 * 1024);
    const response = await post({ event: { name: 'lead_created', id: 'big', properties: { padding } } });

    expect(response.status).toBe(413);
    expect(await scanTable(table)).toEqual([]);
  });

  it('stores no plaintext email, phone, name, street or city', async () => {
    await post(sampleBody('reshape-lead-created.json'));
    await post(sampleBody('croct-lead-generated.json'));

    const stored = JSON.stringify(await scanTable(table)).toLowerCase();
    for (const plaintext of PLAINTEXT) expect(stored).not.toContain(plaintext);
  });

  it('never answers 5xx and never writes for random bodies and headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.anything().map((value) => JSON.stringify(value) ?? ''),
          fc
            .record({
              event: fc.record({ name: fc.constantFrom('lead_created', 'lead_closed'), id: fc.anything() }),
            })
            .map((value) => JSON.stringify(value)),
        ),
        fc.dictionary(
          fc.constantFrom('x-api-key', 'content-type', 'content-encoding', 'x-forwarded-proto'),
          fc.string(),
        ),
        async (body, headers) => {
          const cleanHeaders = Object.fromEntries(
            Object.entries(headers).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)),
          );
          const response = await fetch(`${server.baseUrl}/v1/events`, {
            method: 'POST',
            headers: cleanHeaders,
            body,
          });
          expect(response.status).toBeLessThan(500);
          expect(response.status).not.toBe(202);
        },
      ),
      { seed: 20261123, numRuns: 150 },
    );
    expect(await scanTable(table)).toEqual([]);
  });
});

describe('local server routing', () => {
  let server: LocalApi;
  beforeAll(async () => {
    server = await startLocalApi({});
  });
  afterAll(() => server.close());

  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    expect((await fetch(`${server.baseUrl}/nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/v1/events`)).status).toBe(405);
  });
});
