import { beforeAll, describe, expect, it } from 'vitest';
import type { CloseRecord, DeliveryRecord } from '../../../lib/domain';
import type { Store } from '../../../lib/store/store';
import { CursorError, listDeliveries } from '../../../local/dashboard/delivery-list';
import { deliveryRecord } from '../../support/deliveries';
import { createTestTable } from '../../support/dynamo';
import { countCommands } from '../../support/write-counter';

const delivery = deliveryRecord;

const close = (subjectKey: string, crm: string): CloseRecord => ({
  subjectKey,
  leadId: subjectKey,
  crm,
  outcome: 'won',
  value: 1,
  currency: 'USD',
  closedAt: 1000,
  sourceUpdatedAt: 1000,
  version: 1,
  fingerprint: 'won|1.00|USD',
  recordedAt: 1000,
  updatedAt: 1000,
  planned: true,
});

describe('listDeliveries', () => {
  let store: Store;
  let client: Awaited<ReturnType<typeof createTestTable>>['client'];
  // 60 deliveries over two destinations, every listing, two CRMs; times 1..60 s.
  const all: DeliveryRecord[] = [];
  beforeAll(async () => {
    const table = await createTestTable();
    store = table.store;
    client = table.client;
    const statuses: DeliveryRecord['status'][] = [
      'delivered',
      'processed',
      'accepted',
      'skipped:consent',
      'failed:invalid_gclid',
      'retry',
    ];
    for (let index = 1; index <= 60; index++) {
      const status = statuses[index % statuses.length] as DeliveryRecord['status'];
      const record = delivery(`lead-${String(index).padStart(2, '0')}`, {
        destination: index % 2 === 0 ? 'google-ads' : 'meta',
        status,
        updatedAt: index * 1000,
        ...(status === 'retry' ? { nextAttemptAt: index * 1000 } : {}),
      });
      all.push(record);
      await store.putDelivery(record, undefined);
      await store.putClose(close(record.subjectKey, index % 3 === 0 ? 'salesforce' : 'hubspot'), undefined);
    }
  });

  const keys = (page: Awaited<ReturnType<typeof listDeliveries>>) =>
    page.rows.map((row) => `${row.delivery.subjectKey}/${row.delivery.destination}`);
  const expected = (records: DeliveryRecord[]) =>
    records
      .sort((a, b) => (b.nextAttemptAt ?? b.updatedAt) - (a.nextAttemptAt ?? a.updatedAt))
      .map((record) => `${record.subjectKey}/${record.destination}`);

  it('merges every listing newest first and pages to the end without repeating or missing one', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listDeliveries(store, {}, { limit: 25, cursor });
      seen.push(...keys(page));
      cursor = page.next;
      pages++;
    } while (cursor);

    expect(pages).toBe(3);
    expect(seen).toEqual(expected([...all]));
  });

  it('filters by status, destination, reason and CRM, and gives each row its subject', async () => {
    const failedMeta = await listDeliveries(store, { listing: 'failed', destination: 'meta' }, { limit: 50 });
    expect(keys(failedMeta)).toEqual(
      expected(all.filter((record) => record.status.startsWith('failed') && record.destination === 'meta')),
    );

    const consent = await listDeliveries(store, { reason: 'consent' }, { limit: 50 });
    expect(keys(consent)).toEqual(expected(all.filter((record) => record.status === 'skipped:consent')));

    const salesforce = await listDeliveries(
      store,
      { crm: 'salesforce', listing: 'delivered' },
      { limit: 50 },
    );
    expect(keys(salesforce)).toEqual(
      expected(
        all.filter((record) => record.status === 'delivered' && Number(record.subjectKey.slice(5)) % 3 === 0),
      ),
    );
    expect(
      salesforce.rows.every((row) => row.subject && 'crm' in row.subject && row.subject.crm === 'salesforce'),
    ).toBe(true);
  });

  it('narrows to the last change between two times', async () => {
    const page = await listDeliveries(store, { from: 10_000, to: 20_000 }, { limit: 50 });
    expect(keys(page)).toEqual(
      expected(all.filter((record) => record.updatedAt >= 10_000 && record.updatedAt <= 20_000)),
    );
  });

  it('reads only the index (no Scan), and no more than its budget per page', async () => {
    const counted = countCommands(client);
    counted.reset();
    const page = await listDeliveries(
      store,
      { destination: 'meta', crm: 'salesforce' },
      { limit: 50, budget: 20 },
    );

    expect(page.read).toBe(20);
    expect(page.next).toBeDefined();
    expect(counted.counts.get('ScanCommand')).toBeUndefined();
    expect(counted.counts.get('QueryCommand')).toBeGreaterThan(0);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(listDeliveries(store, {}, { limit: 5, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(
      CursorError,
    );
  });
});
