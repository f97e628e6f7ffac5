import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../../lib/domain';
import { createTestTable } from '../support/dynamo';
import { scanTable } from '../support/table-items';

const lead: LeadRecord = {
  leadId: 'l1',
  source: 'reshape',
  capturedAt: 1,
  updatedAt: 1,
  revision: 1,
  clickIds: {},
  identity: { google: { emails: [], phones: [] }, meta: { em: [], ph: [] } },
};

describe('createStore', () => {
  it('keeps key shapes of DESIGN.md', async () => {
    const table = await createTestTable();
    const { store } = table;
    await store.putLead(lead, undefined, 99);
    await store.putClose(
      {
        subjectKey: 'c1',
        leadId: 'c1',
        crm: 'hubspot',
        dealId: 'deal-c1',
        outcome: 'won',
        value: 100,
        currency: 'USD',
        closedAt: 1000,
        sourceUpdatedAt: 1000,
        version: 1,
        fingerprint: 'won|100.00|USD',
        recordedAt: 1000,
        updatedAt: 1500,
        planned: false,
      },
      undefined,
    );
    await store.putDelivery(
      {
        subjectKey: 'd1',
        destination: 'meta',
        status: 'pending',
        subjectVersion: 1,
        attempts: 0,
        createdAt: 1000,
        updatedAt: 1000,
        nextAttemptAt: 5000,
      },
      undefined,
    );
    await store.putReceipt('hubspot', 'evt-1', 123);
    await store.putCheckpoint({ source: 'hubspot', until: 10, updatedAt: 1 }, undefined);
    await store.putDealPointer('salesforce', '006A', 'lead-x');

    const pks = (await scanTable(table)).map((item) => String(item.pk));
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

  it('composes the four aggregates into one object of verbs (createReadOnlyStore walks them by name)', async () => {
    const { store } = await createTestTable();

    expect(Object.keys(store).sort()).toEqual([
      'getCheckpoint',
      'getClose',
      'getCloses',
      'getDealPointerRecords',
      'getDealPointers',
      'getDeferredDeals',
      'getDeliveries',
      'getLead',
      'getLeads',
      'getReceipts',
      'getState',
      'getSubjects',
      'indexSettledDelivery',
      'markDeferredDealResolved',
      'markSubjectPlanned',
      'putCheckpoint',
      'putClose',
      'putDealPointer',
      'putDeferredDeal',
      'putDelivery',
      'putLead',
      'putOrder',
      'putProcessingCheck',
      'putReceipt',
      'putStage',
      'queryDeferredDeals',
      'queryDeliveryListing',
      'queryDue',
      'queryFailed',
      'queryProcessingChecks',
      'rescheduleProcessingCheck',
      'resolveProcessingCheck',
      'scanDealPointers',
      'scanDeliveries',
      'scanReport',
    ]);
  });
});
