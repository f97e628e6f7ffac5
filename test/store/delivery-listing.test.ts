import { beforeAll, describe, expect, it } from 'vitest';
import type { CloseRecord, LeadRecord } from '../../lib/domain';
import { LISTING_PARTITIONS } from '../../lib/store/deliveries';
import type { Store } from '../../lib/store/store';
import { deliveryRecord } from '../support/deliveries';
import { createTestTable, type TestTable } from '../support/dynamo';
import { dueItems, scanTable } from '../support/table-items';

const delivery = deliveryRecord;

describe('queryDeliveryListing', () => {
  let table: TestTable;
  let store: Store;
  beforeAll(async () => {
    table = await createTestTable();
    store = table.store;
    await store.putDelivery(delivery('a', { updatedAt: 1000 }), undefined);
    await store.putDelivery(delivery('b', { updatedAt: 3000 }), undefined);
    await store.putDelivery(delivery('c', { updatedAt: 2000, destination: 'google-ads' }), undefined);
    await store.putDelivery(delivery('d', { status: 'skipped:consent', updatedAt: 1500 }), undefined);
    await store.putDelivery(delivery('e', { status: 'failed:invalid_gclid', updatedAt: 1700 }), undefined);
    await store.putDelivery(
      delivery('f', { status: 'pending', attempts: 0, nextAttemptAt: 9000 }),
      undefined,
    );
    await store.putDelivery(delivery('g', { status: 'accepted', updatedAt: 2500 }), undefined);
  });

  // The first partition of a listing (accepted has a second: deliveries carrying their processing check).
  const list = (
    listing: keyof typeof LISTING_PARTITIONS,
    options: Parameters<Store['queryDeliveryListing']>[1],
  ) => store.queryDeliveryListing(LISTING_PARTITIONS[listing][0], options);
  const keysOf = (page: Awaited<ReturnType<Store['queryDeliveryListing']>>) =>
    page.entries.map((entry) => entry.delivery.subjectKey);

  it('puts every delivery in exactly one partition of the index: its listing', async () => {
    const shards = Object.fromEntries(
      (await scanTable(table))
        .filter((item) => item.type === 'delivery')
        .map((item) => [String(item.closeKey), item.dueShard]),
    );

    expect(shards).toEqual({
      a: 'STATUS#delivered',
      b: 'STATUS#delivered',
      c: 'STATUS#delivered',
      d: 'STATUS#skipped',
      e: 'FAILED',
      f: 'DUE',
      g: 'STATUS#accepted',
    });
    expect((await dueItems(table, 'STATUS#delivered')).map((item) => item.dueAt)).toEqual([1000, 2000, 3000]);
  });

  it('pages a listing newest first, and a position starts the page just after its delivery', async () => {
    const first = await list('delivered', { limit: 2 });
    expect(keysOf(first)).toEqual(['b', 'c']);

    const position = first.entries[0]?.position;
    const next = await list('delivered', { limit: 5, cursor: position });
    expect(keysOf(next)).toEqual(['c', 'a']);
    expect(next.cursor).toBeUndefined();
  });

  it('narrows a settled listing to a time range of the last change, inclusive', async () => {
    expect(keysOf(await list('delivered', { limit: 10, from: 2000, to: 3000 }))).toEqual(['b', 'c']);
    expect(keysOf(await list('delivered', { limit: 10, to: 1999 }))).toEqual(['a']);
    expect(keysOf(await list('delivered', { limit: 10, from: 2001 }))).toEqual(['b']);
  });

  it('lists waiting, failed, skipped and accepted deliveries from their own partitions', async () => {
    expect(keysOf(await list('waiting', { limit: 10 }))).toEqual(['f']);
    expect(keysOf(await list('failed', { limit: 10 }))).toEqual(['e']);
    expect(keysOf(await list('skipped', { limit: 10 }))).toEqual(['d']);
    expect(keysOf(await list('accepted', { limit: 10 }))).toEqual(['g']);
    expect(keysOf(await list('processed', { limit: 10 }))).toEqual([]);
  });

  it('lists an accepted delivery whose processing check rides on it from the processing partition', async () => {
    await store.putDelivery(
      delivery('h', {
        status: 'accepted',
        destination: 'google-ads',
        updatedAt: 2600,
        processingCheck: { checkAt: 9_999, checks: 0 },
      }),
      undefined,
    );

    expect(LISTING_PARTITIONS.accepted).toEqual(['STATUS#accepted', 'PROCESSING']);
    expect(keysOf(await store.queryDeliveryListing('PROCESSING', { limit: 10 }))).toEqual(['h']);
    expect(keysOf(await list('accepted', { limit: 10 }))).toEqual(['g']);
  });

  it('moves a delivery to its new listing when it changes', async () => {
    await store.putDelivery(delivery('f', { status: 'delivered', attempts: 1, updatedAt: 4000 }), {
      subjectVersion: 1,
      attempts: 0,
    });

    expect(keysOf(await list('waiting', { limit: 10 }))).toEqual([]);
    expect(keysOf(await list('delivered', { limit: 1 }))).toEqual(['f']);
  });
});

describe('scanReport', () => {
  it('reads deliveries, subjects, leads and deal pointers with their counting attributes only', async () => {
    const { store } = await createTestTable();
    await store.putDelivery(
      delivery('lead-1', {
        payload: { url: 'https://graph.example/events', body: { em: 'secret' } },
        history: [{ at: 1, kind: 'upload', status: 'delivered' }],
      }),
      undefined,
    );
    await store.putClose(
      {
        subjectKey: 'lead-1',
        leadId: 'lead-1',
        crm: 'hubspot',
        dealId: '42',
        outcome: 'won',
        value: 10,
        currency: 'EUR',
        closedAt: 5000,
        sourceUpdatedAt: 5000,
        contactIdentity: {
          google: { emails: ['f'.repeat(64)] },
        } as unknown as CloseRecord['contactIdentity'],
        version: 1,
        fingerprint: 'won|10.00|EUR',
        recordedAt: 5000,
        updatedAt: 5000,
        planned: true,
      },
      undefined,
    );
    await store.putLead(
      {
        leadId: 'lead-1',
        source: 'reshape',
        capturedAt: 100,
        updatedAt: 100,
        revision: 1,
        clickIds: { gclid: 'gclid-1' },
        identity: { google: { emails: ['e'.repeat(64)] } },
        ipAddress: '203.0.113.9',
      } as unknown as LeadRecord,
      undefined,
      9_999_999_999,
    );
    await store.putDealPointer('hubspot', '42', 'lead-1', { deletedAt: 7000 });

    const page = await store.scanReport();

    expect(page.deliveries).toEqual([
      {
        subjectKey: 'lead-1',
        destination: 'meta',
        status: 'delivered',
        attempts: 1,
        createdAt: 1000,
        updatedAt: 1000,
      },
    ]);
    expect(page.subjects).toEqual([
      { subjectKey: 'lead-1', kind: 'close', crm: 'hubspot', outcome: 'won', at: 5000 },
    ]);
    expect(page.leads).toEqual([{ leadId: 'lead-1', capturedAt: 100, updatedAt: 100 }]);
    expect(page.dealPointers).toEqual([
      { crm: 'hubspot', dealId: '42', subjectKey: 'lead-1', deletedAt: 7000 },
    ]);
    expect(JSON.stringify(page)).not.toMatch(/secret|eeeeeeee|ffffffff|203\.0\.113|gclid-1/);
  });
});
