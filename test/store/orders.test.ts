import { beforeAll, describe, expect, it } from 'vitest';
import { type CloseRecord, type OrderRecord, orderIdOfSubjectKey, orderSubjectKey } from '../../lib/domain';
import { createTestTable, type TestTable } from '../support/dynamo';

const order = (orderId: string, overrides: Partial<OrderRecord> = {}): OrderRecord => ({
  kind: 'order',
  orderId,
  subjectKey: orderSubjectKey(orderId),
  version: 1,
  occurredAt: 1000,
  value: 134.97,
  currency: 'USD',
  lines: [{ id: 'p1', name: 'T-shirt', price: 49.99, basePrice: 59.99, quantity: 2, priceIncludesTax: true }],
  shipping: 9.99,
  coupons: [],
  discount: 0,
  clickIds: {},
  identity: { google: { emails: [], phones: [] }, meta: { em: [], ph: [] } },
  recordedAt: 1000,
  updatedAt: 1000,
  planned: false,
  ...overrides,
});

const close = (subjectKey: string): CloseRecord => ({
  subjectKey,
  leadId: subjectKey,
  crm: 'api',
  outcome: 'won',
  value: 100,
  currency: 'USD',
  closedAt: 1000,
  sourceUpdatedAt: 1000,
  version: 1,
  fingerprint: 'won|100.00|USD',
  recordedAt: 1000,
  updatedAt: 1000,
  planned: false,
});

describe('order subject keys', () => {
  it('tell an order from a close of the same ID', () => {
    expect(orderSubjectKey('ord_1')).toBe('order:ord_1');
    expect(orderIdOfSubjectKey('order:ord_1')).toBe('ord_1');
    expect(orderIdOfSubjectKey('ord_1')).toBeUndefined();
  });
});

describe('store: orders', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable();
  });

  it('writes an order once: a repeat of the same ID is refused, the first one kept', async () => {
    expect(await table.store.putOrder(order('ord_1'))).toBe(true);
    expect(await table.store.putOrder(order('ord_1', { value: 1 }))).toBe(false);
    expect((await table.store.getOrder('ord_1'))?.value).toBe(134.97);
  });

  it('of ten concurrent writes of one order, exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => table.store.putOrder(order('ord_race'))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('reads closes and orders by subject key in one call, an order and a lead of the same ID apart', async () => {
    await table.store.putClose(close('same-id'), undefined);
    await table.store.putOrder(order('same-id'));

    const subjects = await table.store.getSubjects(['same-id', 'order:same-id', 'order:missing']);

    expect([...subjects.keys()].sort()).toEqual(['order:same-id', 'same-id']);
    expect(subjects.get('order:same-id')).toMatchObject({ kind: 'order', orderId: 'same-id' });
    expect(subjects.get('same-id')).toMatchObject({ leadId: 'same-id', crm: 'api' });
  });

  it('puts an unplanned order in the due index and takes it out once planned', async () => {
    await table.store.putOrder(order('ord_due', { updatedAt: 500 }));
    const due = await table.store.queryDue({ now: 600, limit: 100 });
    expect(due.items).toContainEqual({
      type: 'subject',
      subject: expect.objectContaining({ orderId: 'ord_due' }),
    });

    expect(await table.store.markSubjectPlanned('order:ord_due', 2)).toBe(false);
    expect(await table.store.markSubjectPlanned('order:ord_due', 1)).toBe(true);

    const after = await table.store.queryDue({ now: 600, limit: 100 });
    expect(
      after.items.some((item) => item.type === 'subject' && item.subject.subjectKey === 'order:ord_due'),
    ).toBe(false);
    expect((await table.store.getOrder('ord_due'))?.planned).toBe(true);
  });
});
