import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../lib/domain';
import { ConcurrentUpdateError } from '../../lib/errors';
import { createDeliveryStore, type DeliveryStore, deliveryRefKey } from '../../lib/store/deliveries';
import { createTableAccess } from '../../lib/store/table-access';
import { createTestTable } from '../support/dynamo';

const delivery = (subjectKey: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  subjectKey,
  destination: 'meta',
  status: 'pending',
  subjectVersion: 1,
  attempts: 0,
  createdAt: 1000,
  updatedAt: 1000,
  nextAttemptAt: 2000,
  ...overrides,
});

describe('createDeliveryStore', () => {
  let store: DeliveryStore;
  beforeAll(async () => {
    store = createDeliveryStore(createTableAccess(await createTestTable()));
  });

  it('lists only due deliveries, oldest first, and drops finished ones from the index', async () => {
    await store.putDelivery(delivery('d1', { nextAttemptAt: 5000 }), undefined);
    await store.putDelivery(delivery('d2', { nextAttemptAt: 3000, status: 'retry' }), undefined);
    await store.putDelivery(delivery('d3', { nextAttemptAt: 9000, status: 'waiting_for_lead' }), undefined);
    await store.putDelivery(delivery('d4', { status: 'delivered', nextAttemptAt: undefined }), undefined);

    const due = (await store.queryDue({ now: 6000, limit: 50 })).items
      .filter((item) => item.type === 'delivery')
      .map((item) => (item.type === 'delivery' ? item.delivery.subjectKey : ''));
    expect(due).toEqual(['d2', 'd1']);

    await store.putDelivery(delivery('d1', { status: 'delivered', attempts: 1, nextAttemptAt: 5000 }), {
      subjectVersion: 1,
      attempts: 0,
    });
    const after = (await store.queryDue({ now: 6000, limit: 50 })).items.map((item) =>
      item.type === 'delivery' ? item.delivery.subjectKey : '',
    );
    expect(after).not.toContain('d1');
  });

  it('refuses a delivery write whose expected attempts moved on (a concurrent dispatcher won)', async () => {
    await store.putDelivery(delivery('d5'), undefined);
    await store.putDelivery(delivery('d5', { attempts: 1, status: 'retry' }), {
      subjectVersion: 1,
      attempts: 0,
    });

    await expect(
      store.putDelivery(delivery('d5', { attempts: 1, status: 'delivered' }), {
        subjectVersion: 1,
        attempts: 0,
      }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('pages through the due index with a cursor', async () => {
    for (let index = 0; index < 7; index++) {
      await store.putDelivery(
        delivery(`page-${index}`, { destination: 'page', nextAttemptAt: 100 + index }),
        undefined,
      );
    }
    const first = await store.queryDue({ now: 106, limit: 4 });
    const second = await store.queryDue({ now: 106, limit: 4, cursor: first.cursor });

    expect(first.items).toHaveLength(4);
    expect(second.items).toHaveLength(3);
  });

  it('keeps failed deliveries in their own partition of the index, out of the due work', async () => {
    await store.putDelivery(delivery('f1', { status: 'failed:invalid_row', updatedAt: 700 }), undefined);
    await store.putDelivery(
      delivery('f2', { status: 'failed:retries_exhausted', updatedAt: 800 }),
      undefined,
    );
    await store.putDelivery(delivery('f3', { status: 'skipped:consent', updatedAt: 900 }), undefined);

    const due = (await store.queryDue({ now: Number.MAX_SAFE_INTEGER, limit: 500 })).items.map((item) =>
      item.type === 'delivery' ? item.delivery.subjectKey : item.subject.subjectKey,
    );
    expect(due).not.toContain('f1');
    expect(due).not.toContain('f2');
    const oldestFirst = await store.queryFailed({ limit: 1 });
    const next = await store.queryFailed({
      limit: 10,
      ...(oldestFirst.cursor ? { cursor: oldestFirst.cursor } : {}),
    });
    expect(oldestFirst.deliveries.map((found) => found.subjectKey)).toEqual(['f1']);
    expect(next.deliveries.map((found) => found.subjectKey)).toEqual(['f2']);
    expect((await store.queryFailed({ limit: 10, newestFirst: true })).deliveries[0]).toMatchObject({
      subjectKey: 'f2',
      status: 'failed:retries_exhausted',
    });

    // Retried and delivered: it leaves the failed partition.
    await store.putDelivery(delivery('f2', { status: 'delivered', attempts: 1, nextAttemptAt: undefined }), {
      subjectVersion: 1,
      attempts: 0,
    });
    expect((await store.queryFailed({ limit: 10 })).deliveries.map((found) => found.subjectKey)).toEqual([
      'f1',
    ]);
  });

  it('reads deliveries by ref under deliveryRefKey, and scans every delivery page by page', async () => {
    await store.putDelivery(delivery('r1', { destination: 'tiktok' }), undefined);
    const ref = { subjectKey: 'r1', destination: 'tiktok' };

    const found = await store.getDeliveries([ref, { subjectKey: 'r1', destination: 'ga4' }]);
    const scanned: DeliveryRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await store.scanDeliveries(cursor);
      scanned.push(...page.items);
      cursor = page.cursor;
    } while (cursor);

    expect([...found.keys()]).toEqual([deliveryRefKey(ref)]);
    expect(found.get(deliveryRefKey(ref))).toEqual(delivery('r1', { destination: 'tiktok' }));
    expect(scanned).toContainEqual(delivery('r1', { destination: 'tiktok' }));
  });
});
