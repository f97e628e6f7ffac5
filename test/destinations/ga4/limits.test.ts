import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config';
import { CRM_DISPLAY_NAMES } from '../../../lib/crm/registry';
import { createGa4Destination } from '../../../lib/destinations/ga4';
import type { Ga4Row } from '../../../lib/destinations/ga4/event';
import type { Destination } from '../../../lib/destinations/types';
import type { OrderLine, OrderRecord } from '../../../lib/domain';
import { conversionFor } from '../../../lib/pipeline/conversion';
import { T0 } from '../../support/clock';
import { closeRecord, leadRecord } from '../../support/conversion-inputs';
import { allDestinations, decideFor, sentRow } from '../../support/destinations';
import { createGa4Fake, type Ga4Fake } from '../../support/fakes/ga4';
import { checkoutWithBrowserBody, orderOf } from '../../support/orders';
import { ACCOUNTS } from '../../support/platforms';

/** GA4's limits (platform-apis.md §7): 130 kB a body, 100 characters a value, and what identifies a user. */
const order = orderOf(checkoutWithBrowserBody(), T0);
const now = () => T0;

function ga4(env: Record<string, string> = {}): Destination {
  const destination = allDestinations(env).get('ga4');
  if (!destination) throw new Error('ga4 not configured');
  return destination;
}

function orderWith(overrides: Partial<OrderRecord>): OrderRecord {
  return { ...order, ...overrides };
}

describe('GA4 request size', () => {
  let fake: Ga4Fake;
  beforeEach(async () => {
    fake = await createGa4Fake({
      measurementId: ACCOUNTS.ga4MeasurementId,
      apiSecret: ACCOUNTS.ga4ApiSecret,
      now,
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('splits a batch whose body would reach 130 kB into requests each under it, every event sent once, in order', async () => {
    const config = loadConfig({
      GA4_MEASUREMENT_ID: ACCOUNTS.ga4MeasurementId,
      GA4_API_SECRET: ACCOUNTS.ga4ApiSecret,
      GA4_BASE_URL: fake.baseUrl,
    }).ga4;
    if (!config) throw new Error('ga4 not configured');
    const destination = createGa4Destination(config, { fetch, now });
    const line = order.lines[0] as OrderLine;
    const long = (label: string, index: number) => `${label}-${index}-`.padEnd(100, 'x');
    const lines: OrderLine[] = Array.from({ length: 60 }, (_, index) => ({
      ...line,
      id: long('id', index),
      name: long('name', index),
      brand: long('brand', index),
      category: long('category', index),
      variant: long('variant', index),
    }));
    // 25 orders of one buyer: one batch key, one request by the event count alone.
    const decisions = Array.from({ length: 25 }, (_, index) =>
      decideFor(
        destination,
        conversionFor(
          orderWith({ orderId: `ord-${index}`, lines }),
          undefined,
          undefined,
          T0,
          CRM_DISPLAY_NAMES,
        ),
      ),
    );
    expect(
      new Set(decisions.map((decision) => (decision.kind === 'send' ? decision.batch : decision.kind))).size,
    ).toBe(1);
    const rows = decisions.map(sentRow) as Ga4Row[];
    const oneBody = Buffer.byteLength(JSON.stringify(destination.describe(rows, 'b').body));
    expect(oneBody).toBeGreaterThan(130_000);

    const result = await destination.upload(rows, 'b', { deadline: T0 + 60_000 });

    expect(fake.violations).toEqual([]);
    const requests = fake.requestsTo('collect');
    expect(requests.length).toBeGreaterThan(1);
    expect(result.requests).toBe(requests.length);
    for (const request of requests) expect(Buffer.byteLength(request.rawBody)).toBeLessThan(130_000);
    expect(
      fake.events.map((event) => (event.event.params as Record<string, unknown>).transaction_id),
    ).toEqual(rows.map((_, index) => `ord-${index}`));
    expect(result.outcomes).toHaveLength(25);
    expect(result.outcomes.every((outcome) => outcome.kind === 'delivered')).toBe(true);
  });

  it('the fake refuses a body of 130 kB or more', async () => {
    const body = { client_id: '1.2', events: [{ name: 'purchase', params: { note: 'x'.repeat(100) } }] };
    const padded = JSON.stringify({ ...body, pad: Array(1300).fill('p'.repeat(100)) });
    await fetch(
      `${fake.baseUrl}/mp/collect?measurement_id=${ACCOUNTS.ga4MeasurementId}&api_secret=${ACCOUNTS.ga4ApiSecret}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: padded },
    );
    expect(fake.violations.join('\n')).toContain('must be under 130 kB');
  });
});

describe('GA4 values', () => {
  it('keeps a transaction_id of up to 100 characters as it is, and shortens a longer one stably', () => {
    const short = 'o'.repeat(100);
    const long = `ord-${'9'.repeat(150)}`;
    const keep = sentRow(
      decideFor(
        ga4(),
        conversionFor(orderWith({ orderId: short }), undefined, undefined, T0, CRM_DISPLAY_NAMES),
      ),
    );
    const cut = sentRow(
      decideFor(
        ga4(),
        conversionFor(orderWith({ orderId: long }), undefined, undefined, T0, CRM_DISPLAY_NAMES),
      ),
    );
    const again = sentRow(
      decideFor(
        ga4(),
        conversionFor(orderWith({ orderId: long }), undefined, undefined, T0, CRM_DISPLAY_NAMES),
      ),
    );
    const id = (row: unknown) => (row as Ga4Row).event.params.transaction_id as string;
    expect(id(keep)).toBe(short);
    expect(id(cut)).toHaveLength(100);
    expect(id(cut).startsWith('ord-999')).toBe(true);
    expect(id(again)).toBe(id(cut));
    const other = sentRow(
      decideFor(
        ga4(),
        conversionFor(orderWith({ orderId: `${long}0` }), undefined, undefined, T0, CRM_DISPLAY_NAMES),
      ),
    );
    expect(id(other)).not.toBe(id(cut));
  });

  it('keeps a numeric user_id (a Shopify customer ID), drops an email or a written-out phone number', () => {
    const userId = (id: string) =>
      (
        sentRow(
          decideFor(
            ga4(),
            conversionFor(orderWith({ userId: id }), undefined, undefined, T0, CRM_DISPLAY_NAMES),
          ),
        ) as Ga4Row
      ).user_id;
    expect(userId('7302584201234')).toBe('7302584201234');
    expect(userId('42')).toBe('42');
    expect(userId('cust_abc123')).toBe('cust_abc123');
    expect(userId('+14155550100')).toBeUndefined();
    expect(userId('(415) 555-0100')).toBeUndefined();
    expect(userId('415 555 0100')).toBeUndefined();
    expect(userId('buyer@example.com')).toBeUndefined();
  });
});

describe('GA4_CLIENT_ID_FALLBACK', () => {
  const lead = leadRecord('lead-ga', { clickIds: {} });
  const close = closeRecord('lead-ga');
  const noCookieOrder = orderWith({
    clickIds: { ...order.clickIds, gaClientId: undefined },
    userId: 'cust_77',
  });

  it('none (the default): no _ga cookie, no event', () => {
    expect(decideFor(ga4(), conversionFor(close, lead, undefined, T0, CRM_DISPLAY_NAMES))).toMatchObject({
      kind: 'skip',
      reason: 'no_client_id',
    });
    expect(loadConfig({ GA4_MEASUREMENT_ID: 'G-A1', GA4_API_SECRET: 's' }).ga4?.clientIdFallback).toBe(
      'none',
    );
  });

  it('user_id: a stable client_id derived from a hash of the lead or user ID, never the ID itself', () => {
    const destination = ga4({ GA4_CLIENT_ID_FALLBACK: 'user_id' });
    const fromLead = sentRow(
      decideFor(destination, conversionFor(close, lead, undefined, T0, CRM_DISPLAY_NAMES)),
    ) as Ga4Row;
    const again = sentRow(
      decideFor(destination, conversionFor(close, lead, undefined, T0 + 1000, CRM_DISPLAY_NAMES)),
    ) as Ga4Row;
    const fromUser = sentRow(
      decideFor(destination, conversionFor(noCookieOrder, undefined, undefined, T0, CRM_DISPLAY_NAMES)),
    ) as Ga4Row;
    expect(fromLead.client_id).toMatch(/^\d+\.\d+$/);
    expect(again.client_id).toBe(fromLead.client_id);
    expect(fromUser.client_id).toMatch(/^\d+\.\d+$/);
    expect(fromUser.client_id).not.toBe(fromLead.client_id);
    expect(fromLead.client_id).not.toContain('lead-ga');
    expect(fromUser.user_id).toBe('cust_77');
  });

  it('a captured _ga cookie always wins over the fallback', () => {
    const destination = ga4({ GA4_CLIENT_ID_FALLBACK: 'user_id' });
    const row = sentRow(
      decideFor(destination, conversionFor(order, undefined, undefined, T0, CRM_DISPLAY_NAMES)),
    ) as Ga4Row;
    expect(row.client_id).toBe(order.clickIds.gaClientId);
  });

  it('an order without a user ID or _ga cookie is still skipped', () => {
    const destination = ga4({ GA4_CLIENT_ID_FALLBACK: 'user_id' });
    const anonymous = orderWith({
      clickIds: { ...order.clickIds, gaClientId: undefined },
      userId: undefined,
    });
    expect(
      decideFor(destination, conversionFor(anonymous, undefined, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      kind: 'skip',
      reason: 'no_client_id',
    });
  });
});
