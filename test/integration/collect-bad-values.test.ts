import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type LocalApi, startLocalApi } from '../support/local-api';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * Issue 16 item 4: a value that cannot be right is a 400 naming the field, and the request writes nothing
 * — whatever else it carried (a mixed array of leads and closes, an order whose lines overflow once
 * converted). Each case starts from a table holding one lead and checks the table is exactly as it was.
 */
const NOW = Date.parse('2026-11-23T12:00:00Z');

const LEAD = {
  event: { name: 'lead_created', id: 'lead_ok' },
  user: { email: 'someone@example.com' },
  consent: { analytics: true, personalization: true, marketing: true },
};
const CLOSE = {
  event: { name: 'lead_closed', id: 'lead_ok', value: 1200, currency: 'EUR' },
  user: {},
};
const ORDER = {
  event: { name: 'checkout_completed', id: 'order_1', value: 100, currency: 'EUR', exchange_rate: 1 },
  products: [{ id: 'sku_1', name: 'Thing', price_base: 100, price: 100 }],
  shipping: [],
  payments: [],
};

type Issue = { field: string; message: string };

describe('POST /v1/events refuses values that cannot be right, writing nothing', () => {
  let table: TestTable;
  let server: LocalApi;
  let before: Record<string, unknown>[];

  beforeAll(async () => {
    table = await createTestTable();
    const runtime = createTestRuntime(table, {}, { now: createClock(NOW).now });
    server = await startLocalApi({ collect: createCollectHandler(runtime) });
    const seeded = await post({ ...LEAD, event: { ...LEAD.event, id: 'lead_seeded' } });
    expect(seeded.status).toBe(202);
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    before = await scanTable(table);
  });

  async function post(body: unknown) {
    const response = await fetch(`${server.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { issues?: Issue[] } };
  }

  async function expectRefused(body: unknown, issue: Issue | { field: string; message: RegExp }) {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toContainEqual(
      issue.message instanceof RegExp
        ? { field: issue.field, message: expect.stringMatching(issue.message) }
        : issue,
    );
    expect(await scanTable(table)).toEqual(before);
  }

  it('an amount above Number.MAX_SAFE_INTEGER (1e21), after a valid lead in the same array', async () => {
    await expectRefused([LEAD, { ...CLOSE, event: { ...CLOSE.event, value: 1e21 } }], {
      field: '[1].event.value',
      message: 'must be at most 9007199254740991',
    });
  });

  it('an amount that is not finite (1e400 reads as Infinity)', async () => {
    const text = JSON.stringify([LEAD, CLOSE]).replace('"value":1200', '"value":1e400');
    await expectRefused(text, { field: '[1].event.value', message: 'must be a finite number' });
  });

  it('a lead_created value above the limit, before a valid close', async () => {
    await expectRefused([{ ...LEAD, event: { ...LEAD.event, value: 2 ** 60 } }, CLOSE], {
      field: '[0].event.value',
      message: 'must be at most 9007199254740991',
    });
  });

  it.each(['ZZZ', 'BTC', 'XXX'])('a currency outside ISO 4217 (%s)', async (currency) => {
    await expectRefused([LEAD, { ...CLOSE, event: { ...CLOSE.event, currency } }], {
      field: '[1].event.currency',
      message: 'must be an ISO 4217 currency code like USD',
    });
  });

  it.each(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1999-12-31T23:59:59Z'])(
    'a timestamp outside 2000–2100 (%s)',
    async (timestamp) => {
      await expectRefused([LEAD, { ...CLOSE, event: { ...CLOSE.event, timestamp } }], {
        field: '[1].event.timestamp',
        message: 'must lie between 2000-01-01 and 2100-01-01',
      });
    },
  );

  it('an epoch-ms timestamp outside 2000–2100', async () => {
    await expectRefused(
      { ...LEAD, event: { ...LEAD.event, timestamp: 253_402_300_799_000 } },
      {
        field: 'event.timestamp',
        message: 'must lie between 2000-01-01 and 2100-01-01',
      },
    );
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'an event.name that is an Object.prototype member (%s)',
    async (name) => {
      await expectRefused([LEAD, { ...CLOSE, event: { ...CLOSE.event, name } }], {
        field: '[1].event.name',
        message: 'must be one of lead_created, lead_closed, checkout_completed',
      });
    },
  );

  it('an order whose line overflows once converted between currencies', async () => {
    const order = {
      ...ORDER,
      event: { ...ORDER.event, exchange_rate: 1e-9 },
      products: [
        { id: 'sku_1', name: 'Thing', price_base: 9e15, price: 9e15, currency: 'USD', exchange_rate: 1e6 },
      ],
    };
    await expectRefused([LEAD, order], { field: '[1]', message: /^lines\[0\]\.price would be/ });
  });

  it('a product quantity that is a whole number beyond any order (1e21)', async () => {
    const order = { ...ORDER, products: [{ ...ORDER.products[0], quantity: 1e21 }] };
    await expectRefused([LEAD, order], { field: '[1].products[0].quantity', message: /1000000/ });
  });

  it('and still takes the same events with good values', async () => {
    const answer = await post([LEAD, CLOSE, ORDER]);
    expect(answer.status).toBe(202);
    expect(await table.store.getLead('lead_ok')).toBeDefined();
  });
});
