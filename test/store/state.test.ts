import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloseRecord, DeliveryRecord, LeadRecord } from '../../lib/domain';
import { deliveryRefKey } from '../../lib/store/deliveries';
import type { Store } from '../../lib/store/store';
import { createTestTable, type TestTable } from '../support/dynamo';
import { countCommands } from '../support/write-counter';

const close = (subjectKey: string): CloseRecord => ({
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
});

const lead = (leadId: string): LeadRecord =>
  ({
    leadId,
    capturedAt: 1000,
    clickIds: {},
    identity: { google: { emails: [], phones: [] }, meta: { em: [], ph: [] } },
    revision: 1,
    updatedAt: 1000,
  }) as unknown as LeadRecord;

const delivery = (subjectKey: string, destination: string): DeliveryRecord => ({
  subjectKey,
  destination,
  status: 'delivered',
  subjectVersion: 1,
  attempts: 1,
  createdAt: 1000,
  updatedAt: 1000,
});

describe('getState', () => {
  let table: TestTable;
  let store: Store;
  let counter: ReturnType<typeof countCommands>;
  beforeAll(async () => {
    table = await createTestTable();
    store = table.store;
    counter = countCommands(table.client);
    await store.putReceipt('hubspot', 'evt-1', 9_999_999_999);
    await store.putDealPointer('hubspot', '101', 'lead-a');
    await store.putClose(close('lead-a'), undefined);
    await store.putLead(lead('lead-a'), undefined, 9_999_999_999);
    await store.putDelivery(delivery('lead-a', 'meta'), undefined);
  });
  beforeEach(() => counter.reset());

  it('reads every aggregate the request names in one BatchGetItem, each as its own verb gives it', async () => {
    const state = await store.getState({
      receipts: { source: 'hubspot', ids: ['evt-1', 'evt-2'] },
      dealPointers: { crm: 'hubspot', dealIds: ['101', '102'] },
      subjects: ['lead-a', 'lead-b'],
      leads: ['lead-a', 'lead-b'],
      deliveries: [
        { subjectKey: 'lead-a', destination: 'meta' },
        { subjectKey: 'lead-a', destination: 'google-ads' },
      ],
    });

    expect(Object.fromEntries(counter.counts)).toEqual({ BatchGetItemCommand: 1 });
    expect(state.receipts).toEqual(await store.getReceipts('hubspot', ['evt-1', 'evt-2']));
    expect(state.dealPointers).toEqual(await store.getDealPointerRecords('hubspot', ['101', '102']));
    expect(state.dealPointers.get('101')?.subjectKey).toBe('lead-a');
    expect(state.subjects).toEqual(await store.getSubjects(['lead-a', 'lead-b']));
    expect(state.leads).toEqual(await store.getLeads(['lead-a', 'lead-b']));
    expect([...state.deliveries.keys()]).toEqual([
      deliveryRefKey({ subjectKey: 'lead-a', destination: 'meta' }),
    ]);
    expect(state.deliveries).toEqual(
      await store.getDeliveries([
        { subjectKey: 'lead-a', destination: 'meta' },
        { subjectKey: 'lead-a', destination: 'google-ads' },
      ]),
    );
  });

  it('keeps a receipt of one source apart from the same ID of another', async () => {
    const state = await store.getState({ receipts: { source: 'salesforce', ids: ['evt-1'] } });

    expect(state.receipts).toEqual(new Set());
  });

  it('sends more than 100 keys as side-by-side BatchGetItem requests, and nothing for an empty request', async () => {
    const empty = await store.getState({});
    const many = await store.getState({
      leads: Array.from({ length: 250 }, (_, index) => (index === 7 ? 'lead-a' : `absent-${index}`)),
    });

    expect([...empty.leads]).toEqual([]);
    expect([...many.leads.keys()]).toEqual(['lead-a']);
    expect(Object.fromEntries(counter.counts)).toEqual({ BatchGetItemCommand: 3 });
  });
});
