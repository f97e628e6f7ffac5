import { beforeAll, describe, expect, it } from 'vitest';
import { type CloseRecord, type OrderRecord, orderIdOfSubjectKey, orderSubjectKey } from '../../lib/domain';
import { ConcurrentUpdateError } from '../../lib/errors';
import { createDeliveryStore, type DeliveryStore } from '../../lib/store/deliveries';
import { createSubjectStore, type SubjectStore } from '../../lib/store/subjects';
import { createTableAccess } from '../../lib/store/table-access';
import { createTestTable } from '../support/dynamo';
import { readOrder } from '../support/orders';

const close = (subjectKey: string, overrides: Partial<CloseRecord> = {}): CloseRecord => ({
  subjectKey,
  leadId: subjectKey,
  crm: 'hubspot',
  dealId: `deal-${subjectKey}`,
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
  ...overrides,
});

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

describe('order subject keys', () => {
  it('tell an order from a close of the same ID', () => {
    expect(orderSubjectKey('ord_1')).toBe('order:ord_1');
    expect(orderIdOfSubjectKey('order:ord_1')).toBe('ord_1');
    expect(orderIdOfSubjectKey('ord_1')).toBeUndefined();
  });
});

describe('createSubjectStore', () => {
  let store: SubjectStore;
  /** The due index is read by the deliveries' store: unplanned subjects wait there beside deliveries. */
  let due: DeliveryStore;
  beforeAll(async () => {
    const table = createTableAccess(await createTestTable());
    store = createSubjectStore(table);
    due = createDeliveryStore(table);
  });

  describe('closes', () => {
    it('puts an unplanned close in the due index and takes it out once planned at its version', async () => {
      await store.putClose(close('c1', { updatedAt: 1500 }), undefined);

      const page = await due.queryDue({ now: 1500, limit: 50 });
      expect(page.items).toContainEqual({
        type: 'subject',
        subject: expect.objectContaining({ subjectKey: 'c1' }),
      });
      expect(await store.markSubjectPlanned('c1', 2)).toBe(false);
      expect(await store.markSubjectPlanned('c1', 1)).toBe(true);
      expect(
        (await due.queryDue({ now: 1500, limit: 50 })).items.some(
          (item) => item.type === 'subject' && item.subject.subjectKey === 'c1',
        ),
      ).toBe(false);
      expect((await store.getClose('c1'))?.planned).toBe(true);
    });

    it('guards close versions', async () => {
      await store.putClose(close('c2'), undefined);

      await expect(store.putClose(close('c2', { version: 2 }), 2)).rejects.toBeInstanceOf(
        ConcurrentUpdateError,
      );
      await store.putClose(close('c2', { version: 2 }), 1);
      expect((await store.getClose('c2'))?.version).toBe(2);
    });

    it('finds a close by its CRM deal', async () => {
      await store.putDealPointer('salesforce', '006A', 'lead-x');
      expect(await store.getDealPointers('salesforce', ['006A', '006B'])).toEqual(
        new Map([['006A', 'lead-x']]),
      );
    });

    it("keeps a deal's lifecycle marks and its close key apart: neither write erases the other", async () => {
      await store.putDealPointer('hubspot', '11', 'lead-m');
      await store.putDealPointer('hubspot', '11', undefined, { deletedAt: 5 });
      await store.putDealPointer('hubspot', '11', 'lead-m');
      await store.putDealPointer('hubspot', '12', undefined, { mergedInto: '13', mergedAt: 7 });

      expect(Object.fromEntries(await store.getDealPointerRecords('hubspot', ['11', '12', '14']))).toEqual({
        '11': { crm: 'hubspot', dealId: '11', subjectKey: 'lead-m', deletedAt: 5 },
        '12': { crm: 'hubspot', dealId: '12', mergedInto: '13', mergedAt: 7 },
      });
      // A pointer without a close key leads to no close.
      expect(await store.getDealPointers('hubspot', ['11', '12'])).toEqual(new Map([['11', 'lead-m']]));
      const scanned = await store.scanDealPointers();
      expect(
        scanned.items
          .filter((pointer) => pointer.crm === 'hubspot')
          .map((pointer) => pointer.dealId)
          .sort(),
      ).toEqual(['11', '12']);
    });
  });

  describe('orders', () => {
    it('writes an order once: a repeat of the same ID is refused, the first one kept', async () => {
      expect(await store.putOrder(order('ord_1'))).toBe(true);
      expect(await store.putOrder(order('ord_1', { value: 1 }))).toBe(false);
      expect((await readOrder(store, 'ord_1'))?.value).toBe(134.97);
    });

    it('of ten concurrent writes of one order, exactly one wins', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => store.putOrder(order('ord_race'))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('reads closes and orders by subject key in one call, an order and a lead of the same ID apart', async () => {
      await store.putClose(close('same-id', { crm: 'api', dealId: undefined }), undefined);
      await store.putOrder(order('same-id'));

      const subjects = await store.getSubjects(['same-id', 'order:same-id', 'order:missing']);

      expect([...subjects.keys()].sort()).toEqual(['order:same-id', 'same-id']);
      expect(subjects.get('order:same-id')).toMatchObject({ kind: 'order', orderId: 'same-id' });
      expect(subjects.get('same-id')).toMatchObject({ leadId: 'same-id', crm: 'api' });
    });

    it('puts an unplanned order in the due index and takes it out once planned', async () => {
      await store.putOrder(order('ord_due', { updatedAt: 500 }));
      const page = await due.queryDue({ now: 600, limit: 100 });
      expect(page.items).toContainEqual({
        type: 'subject',
        subject: expect.objectContaining({ orderId: 'ord_due' }),
      });

      expect(await store.markSubjectPlanned('order:ord_due', 2)).toBe(false);
      expect(await store.markSubjectPlanned('order:ord_due', 1)).toBe(true);

      const after = await due.queryDue({ now: 600, limit: 100 });
      expect(
        after.items.some((item) => item.type === 'subject' && item.subject.subjectKey === 'order:ord_due'),
      ).toBe(false);
      expect((await readOrder(store, 'ord_due'))?.planned).toBe(true);
    });
  });
});
