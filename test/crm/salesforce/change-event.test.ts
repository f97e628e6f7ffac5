import { describe, expect, it } from 'vitest';
import { completeFromClose, parseOpportunityChangeEvent } from '../../../lib/crm/salesforce/change-event';
import { PayloadValidationError } from '../../../lib/errors';
import { closeRecord } from '../../support/conversion-inputs';

const COMMIT = Date.UTC(2026, 10, 20, 14, 58);

function event(payload: Record<string, unknown>, header: Record<string, unknown> = {}) {
  return {
    'detail-type': 'OpportunityChangeEvent',
    source: 'aws.partner/salesforce.com/00D5g000004ABCDEA4/0YL5g0000004C9aGAE',
    detail: {
      replayId: 18706627,
      payload: {
        ChangeEventHeader: {
          entityName: 'Opportunity',
          recordIds: ['0065g00000CdCaAAAV', '0065g00000CdCbAAAV'],
          changeType: 'UPDATE',
          changedFields: ['StageName'],
          commitTimestamp: COMMIT,
          ...header,
        },
        ...payload,
      },
    },
  };
}

describe('parseOpportunityChangeEvent', () => {
  it('reads each record of the event as an Opportunity, its commit as the change time, keyed by channel and replay ID', () => {
    const change = parseOpportunityChangeEvent(
      event({ StageName: 'Closed Won', IsWon: true, IsClosed: true, Amount: 500, Lead_ID__c: 'lead_x' }),
    );
    expect(change).toMatchObject({ orgId: '00D5g000004ABCDEA4', receiptId: '0YL5g0000004C9aGAE#18706627' });
    expect(change.reports.map((report) => report.opportunity)).toEqual([
      expect.objectContaining({
        Id: '0065g00000CdCaAAAV',
        IsWon: true,
        Amount: 500,
        Lead_ID__c: 'lead_x',
        LastModifiedDate: COMMIT,
        SystemModstamp: COMMIT,
      }),
      expect.objectContaining({ Id: '0065g00000CdCbAAAV' }),
    ]);
  });

  it('reads the Avro form’s dates: date-times as epoch ms, a date as days since the epoch', () => {
    const days = Date.UTC(2026, 10, 20) / 86_400_000;
    const [report] = parseOpportunityChangeEvent(
      event({ CloseDate: days, CreatedDate: Date.UTC(2026, 9, 2), LastModifiedDate: COMMIT - 1000 }),
    ).reports;
    expect(report?.opportunity).toMatchObject({
      CloseDate: Date.UTC(2026, 10, 20),
      CreatedDate: Date.UTC(2026, 9, 2),
      LastModifiedDate: COMMIT - 1000,
    });
  });

  it('reads no Opportunity from a deletion (a header alone), and refuses an event of another object', () => {
    expect(parseOpportunityChangeEvent(event({}, { changeType: 'DELETE' })).reports).toEqual([]);
    expect(() => parseOpportunityChangeEvent(event({}, { entityName: 'Account' }))).toThrow(
      PayloadValidationError,
    );
    expect(() => parseOpportunityChangeEvent({ ...event({}), 'detail-type': 'AccountChangeEvent' })).toThrow(
      PayloadValidationError,
    );
  });
});

describe('completeFromClose', () => {
  it('fills what the event lacks from the recorded close, and keeps what it carries', () => {
    const close = closeRecord('lead_y', {
      crm: 'salesforce',
      value: 900,
      currency: 'GBP',
      stage: 'Closed Won',
    });
    const [report] = parseOpportunityChangeEvent(event({ Amount: 1200 })).reports;
    expect(
      completeFromClose(report?.opportunity as never, close, { leadIdField: 'Lead_ID__c' }),
    ).toMatchObject({
      IsClosed: true,
      IsWon: true,
      StageName: 'Closed Won',
      Amount: 1200,
      CurrencyIsoCode: 'GBP',
      Lead_ID__c: 'lead_y',
    });
  });
});
