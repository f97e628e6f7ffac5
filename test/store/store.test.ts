import { beforeAll, describe, expect, it } from 'vitest';
import type { CloseRecord, DeliveryRecord, LeadRecord } from '../../lib/domain';
import { ConcurrentUpdateError } from '../../lib/errors';
import { createTestTable, type TestTable } from '../support/dynamo';
import { scanAll } from '../support/scan';

const lead = (leadId: string, revision = 1): LeadRecord => ({
  leadId,
  source: 'reshape',
  capturedAt: 1,
  updatedAt: 1,
  revision,
  clickIds: {},
  identity: { google: { emails: [], phones: [] }, meta: { em: [], ph: [] } },
});

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

describe('createStore', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable();
  });

  it('writes a lead once when it must not exist, then only at the expected revision', async () => {
    const { store } = table;
    await store.putLead(lead('l1'), undefined, 99);

    await expect(store.putLead(lead('l1'), undefined, 99)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(store.putLead(lead('l1', 3), 2, 99)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await store.putLead(lead('l1', 2), 1, 99);
    expect((await store.getLead('l1'))?.revision).toBe(2);
  });

  it('reads leads in batches beyond the 100-key BatchGetItem limit, skipping unknown ones', async () => {
    const ids = Array.from({ length: 230 }, (_, index) => `batch-${index}`);
    for (const id of ids.slice(0, 210)) await table.store.putLead(lead(id), undefined, 99);

    const found = await table.store.getLeads([...ids, ids[0] as string]);

    expect(found.size).toBe(210);
    expect(found.get('batch-209')?.leadId).toBe('batch-209');
  });

  it('puts an unplanned close in the due index and takes it out once planned at its version', async () => {
    const { store } = table;
    await store.putClose(close('c1', { updatedAt: 1500 }), undefined);

    const due = await store.queryDue({ now: 1500, limit: 50 });
    expect(due.items).toContainEqual({
      type: 'subject',
      subject: expect.objectContaining({ subjectKey: 'c1' }),
    });
    expect(await store.markClosePlanned('c1', 2)).toBe(false);
    expect(await store.markClosePlanned('c1', 1)).toBe(true);
    expect(
      (await store.queryDue({ now: 1500, limit: 50 })).items.some(
        (item) => item.type === 'subject' && item.subject.subjectKey === 'c1',
      ),
    ).toBe(false);
    expect((await store.getClose('c1'))?.planned).toBe(true);
  });

  it('guards close versions', async () => {
    const { store } = table;
    await store.putClose(close('c2'), undefined);

    await expect(store.putClose(close('c2', { version: 2 }), 2)).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    await store.putClose(close('c2', { version: 2 }), 1);
    expect((await store.getClose('c2'))?.version).toBe(2);
  });

  it('lists only due deliveries, oldest first, and drops finished ones from the index', async () => {
    const { store } = table;
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
    const { store } = table;
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
    const { store } = table;
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
    const { store } = table;
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

  it('records a receipt once', async () => {
    expect(await table.store.putReceipt('hubspot', 'evt-1', 123)).toBe(true);
    expect(await table.store.putReceipt('hubspot', 'evt-1', 123)).toBe(false);
    expect(await table.store.getReceipts('hubspot', ['evt-1', 'evt-2'])).toEqual(new Set(['evt-1']));
  });

  it('advances a checkpoint only from the value it was read at', async () => {
    const { store } = table;
    await store.putCheckpoint({ source: 'hubspot', until: 10, updatedAt: 1 }, undefined);

    await expect(
      store.putCheckpoint({ source: 'hubspot', until: 30, updatedAt: 2 }, 20),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await store.putCheckpoint({ source: 'hubspot', until: 30, updatedAt: 2 }, 10);
    expect((await store.getCheckpoint('hubspot'))?.until).toBe(30);
  });

  it('finds a close by its CRM deal', async () => {
    await table.store.putDealPointer('salesforce', '006A', 'lead-x');
    expect(await table.store.getDealPointers('salesforce', ['006A', '006B'])).toEqual(
      new Map([['006A', 'lead-x']]),
    );
  });

  it('keeps key shapes of DESIGN.md', async () => {
    const pks = (await scanAll(table)).map((item) => String(item.pk));
    expect(pks).toEqual(
      expect.arrayContaining([
        'LEAD#l1',
        'CLOSE#c1',
        'DELIVERY#d1#meta',
        'RECEIPT#hubspot#evt-1',
        'CHECKPOINT#hubspot',
        'DEAL#salesforce#006A',
      ]),
    );
  });
});
