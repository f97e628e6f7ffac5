import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { sha256Hex } from '../../lib/leads/hash';
import { createClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type LocalApi, startLocalApi } from '../support/local-api';
import { readOrder } from '../support/orders';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';

/** DEFAULT_PHONE_COUNTRY reads national numbers that come without a country, wherever an identity is hashed. */
const NOW = Date.parse('2026-11-23T12:00:00Z');
const BERLIN = { meta: sha256Hex('4930901820'), google: sha256Hex('+4930901820') };

describe('DEFAULT_PHONE_COUNTRY through collect', () => {
  let table: TestTable;
  let server: LocalApi;

  beforeAll(async () => {
    table = await createTestTable();
    const runtime = createTestRuntime(table, { DEFAULT_PHONE_COUNTRY: 'DE' }, { now: createClock(NOW).now });
    server = await startLocalApi({ collect: createCollectHandler(runtime) });
  });
  afterAll(() => server.close());

  const post = (body: unknown) =>
    fetch(`${server.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
      body: JSON.stringify(body),
    });

  it('reads a lead, a pushed close and an order without a country in it', async () => {
    const response = await post([
      { event: { name: 'lead_created', id: 'lead_de' }, user: { phone: '(030) 901820' } },
      { leadId: 'lead_croct_de', lead: { phone: '030 901820' } },
      {
        event: { name: 'lead_closed', id: 'lead_pushed_de', value: 10, currency: 'EUR' },
        user: { phone: '030/901820' },
      },
      {
        event: { name: 'checkout_completed', id: 'order_de', value: 10, currency: 'EUR' },
        products: [{ id: 'sku', name: 'Thing', price_base: 10, price: 10 }],
        shipping: [],
        payments: [],
        user: { phone: '030 901820' },
      },
    ]);

    expect(response.status).toBe(202);
    for (const leadId of ['lead_de', 'lead_croct_de']) {
      const lead = await table.store.getLead(leadId);
      expect(lead?.identity.meta.ph).toEqual([BERLIN.meta]);
      expect(lead?.identity.google.phones).toEqual([BERLIN.google]);
    }
    expect((await table.store.getClose('lead_pushed_de'))?.contactIdentity?.meta.ph).toEqual([BERLIN.meta]);
    const order = await readOrder(table.store, 'order_de');
    expect(order && 'identity' in order ? order.identity?.meta.ph : undefined).toEqual([BERLIN.meta]);
  });

  it('leaves a lead its own country: a US lead is read as a US number', async () => {
    await post({
      event: { name: 'lead_created', id: 'lead_us' },
      user: { phone: '(415) 555-0100', country: 'US' },
    });
    expect((await table.store.getLead('lead_us'))?.identity.meta.ph).toEqual([sha256Hex('14155550100')]);
  });
});
