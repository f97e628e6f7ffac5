import { describe, expect, it } from 'vitest';
import { classifyOpportunity, mapSalesforceOpportunity } from '../../../lib/crm/salesforce/map-opportunity';

const CONTEXT = {
  leadIdField: 'Lead_ID__c',
  lossReasonField: 'Loss_Reason__c',
  defaultCurrency: 'EUR',
  closureReasonMap: {},
  now: Date.UTC(2026, 10, 20),
};

describe('classifyOpportunity', () => {
  it('takes IsWon / IsClosed as authoritative and stage names only without them', () => {
    expect(classifyOpportunity({ IsWon: true, IsClosed: true, StageName: 'Closed Lost' })).toBe('won');
    expect(classifyOpportunity({ IsWon: false, IsClosed: true, StageName: 'Closed Won' })).toBe('lost');
    expect(classifyOpportunity({ IsWon: false, IsClosed: false, StageName: 'Closed Won' })).toBe('open');
    expect(classifyOpportunity({ StageName: 'Closed Won' })).toBe('won');
    expect(classifyOpportunity({ StageName: 'Signed' })).toBe('unknown');
  });
});

describe('mapSalesforceOpportunity', () => {
  it('maps a lost Opportunity with CloseDate as the only time', () => {
    const decision = mapSalesforceOpportunity(
      {
        opportunity: {
          Id: '0065g00000AbCdFAAV',
          IsWon: false,
          IsClosed: true,
          StageName: 'Closed Lost',
          Amount: 900,
          CloseDate: Date.UTC(2026, 10, 18),
          Lead_ID__c: 'lead_1',
          Loss_Reason__c: 'No budget',
        },
      },
      CONTEXT,
    );
    expect(decision).toEqual({
      action: 'record',
      close: {
        leadId: 'lead_1',
        crm: 'salesforce',
        dealId: '0065g00000AbCdFAAV',
        outcome: 'lost',
        value: 0,
        currency: 'EUR',
        closedAt: Date.UTC(2026, 10, 18),
        sourceUpdatedAt: Date.UTC(2026, 10, 18),
        stage: 'Closed Lost',
        closureReason: 'budget',
        closureDetail: 'No budget',
      },
    });
  });

  it('re-opens through a pointer keyed by the deal (no lead ID)', () => {
    const decision = mapSalesforceOpportunity(
      {
        opportunity: {
          Id: '0065g00000AbCdFAAV',
          IsClosed: false,
          IsWon: false,
          SystemModstamp: CONTEXT.now - 1,
        },
        pointerCloseKey: 'salesforce-deal:0065g00000AbCdFAAV',
      },
      CONTEXT,
    );
    expect(decision).toMatchObject({
      action: 'record',
      close: { outcome: 'reopened', sourceUpdatedAt: CONTEXT.now - 1 },
    });
    if (decision.action === 'record') expect('leadId' in decision.close).toBe(false);
  });
});
