import { describe, expect, it } from 'vitest';
import type { HubspotPipeline } from '../../../lib/crm/hubspot/client';
import { classifyDealStage, mapHubspotDeal, revalueRecordedClose } from '../../../lib/crm/hubspot/map-deal';
import type { CloseRecord } from '../../../lib/domain';

const PIPELINES: HubspotPipeline[] = [
  {
    id: '7654321',
    label: 'Enterprise',
    stages: [
      { id: '1234567', label: 'Signed', isClosed: true, probability: 1 },
      { id: '1234568', label: 'Lost', isClosed: true, probability: 0 },
      { id: '1234566', label: 'Negotiation', isClosed: false, probability: 0.6 },
      { id: '1234569', label: 'Odd closed', isClosed: true, probability: 0.5 },
    ],
  },
];

const CONTEXT = {
  leadIdProperty: 'lead_id',
  defaultCurrency: 'EUR',
  closureReasonMap: {},
  now: Date.UTC(2026, 10, 20),
};

describe('classifyDealStage', () => {
  it("trusts HubSpot's calculated flags first", () => {
    expect(classifyDealStage({ hs_is_closed_won: 'true', dealstage: 'closedlost' }, undefined)).toBe('won');
    expect(
      classifyDealStage(
        { hs_is_closed: 'true', hs_is_closed_won: 'false', dealstage: 'closedwon' },
        undefined,
      ),
    ).toBe('lost');
    expect(classifyDealStage({ hs_is_closed: 'false', dealstage: 'closedwon' }, undefined)).toBe('open');
  });

  it("reads a custom pipeline's stage metadata", () => {
    expect(classifyDealStage({ dealstage: '1234567', pipeline: '7654321' }, PIPELINES)).toBe('won');
    expect(classifyDealStage({ dealstage: '1234568', pipeline: '7654321' }, PIPELINES)).toBe('lost');
    expect(classifyDealStage({ dealstage: '1234566', pipeline: '7654321' }, PIPELINES)).toBe('open');
    expect(classifyDealStage({ dealstage: '1234569', pipeline: '7654321' }, PIPELINES)).toBe('unknown');
    expect(classifyDealStage({ dealstage: '1234567' }, PIPELINES)).toBe('won');
  });

  it('falls back to the default pipeline stage names, and only there', () => {
    expect(classifyDealStage({ dealstage: 'closedwon' }, undefined)).toBe('won');
    expect(classifyDealStage({ dealstage: 'closedlost', pipeline: 'default' }, undefined)).toBe('lost');
    expect(classifyDealStage({ dealstage: 'contractsent' }, undefined)).toBe('open');
    expect(classifyDealStage({ dealstage: 'closedwon', pipeline: '7654321' }, undefined)).toBe('unknown');
    expect(classifyDealStage({ dealstage: '1234567', pipeline: '7654321' }, undefined)).toBe('unknown');
    expect(classifyDealStage({}, undefined)).toBe('unknown');
  });
});

describe('mapHubspotDeal', () => {
  it('never places a close after the processing time (a close date set in the future)', () => {
    const decision = mapHubspotDeal(
      {
        dealId: '1',
        properties: { dealstage: 'closedwon', closedate: '2027-01-31T00:00:00Z', amount: '10' },
        updatedAt: CONTEXT.now - 1000,
      },
      CONTEXT,
    );
    expect(decision).toMatchObject({
      action: 'record',
      close: { closedAt: CONTEXT.now, value: 10, currency: 'EUR' },
    });
  });

  it('keys a deal without a usable lead ID by the deal and leaves leadId out', () => {
    const decision = mapHubspotDeal(
      {
        dealId: '55',
        properties: { dealstage: 'closedlost', lead_id: 'x'.repeat(200) },
        updatedAt: CONTEXT.now,
      },
      CONTEXT,
    );
    expect(decision.action).toBe('record');
    if (decision.action === 'record') expect('leadId' in decision.close).toBe(false);
  });

  it('ignores an open deal without a recorded close, and re-opens one with a pointer', () => {
    const view = {
      dealId: '9',
      properties: { dealstage: 'contractsent', deal_currency_code: 'usd' },
      updatedAt: CONTEXT.now - 5,
    };
    expect(mapHubspotDeal(view, CONTEXT)).toEqual({ action: 'ignore', reason: 'open' });
    expect(
      mapHubspotDeal(
        { ...view, pointerCloseKey: 'hubspot-deal:9', stageChangedAt: CONTEXT.now - 10 },
        CONTEXT,
      ),
    ).toEqual({
      action: 'record',
      close: {
        subjectKey: 'hubspot-deal:9',
        crm: 'hubspot',
        dealId: '9',
        outcome: 'reopened',
        value: 0,
        currency: 'USD',
        closedAt: CONTEXT.now - 10,
        sourceUpdatedAt: CONTEXT.now - 5,
        stage: 'contractsent',
      },
    });
    const byLead = mapHubspotDeal({ ...view, pointerCloseKey: 'lead_9' }, CONTEXT);
    expect(byLead).toMatchObject({ action: 'record', close: { leadId: 'lead_9', outcome: 'reopened' } });
  });

  it('uses CLOSURE_REASON_MAP for a lost deal', () => {
    const decision = mapHubspotDeal(
      {
        dealId: '3',
        properties: { dealstage: 'closedlost', closed_lost_reason: 'Champion left' },
        updatedAt: CONTEXT.now,
      },
      { ...CONTEXT, closureReasonMap: { 'champion left': 'no_decision' } },
    );
    expect(decision).toMatchObject({
      close: { closureReason: 'no_decision', closureDetail: 'Champion left' },
    });
  });
});

describe('revalueRecordedClose', () => {
  const won = {
    subjectKey: 'lead_1',
    leadId: 'lead_1',
    crm: 'hubspot',
    dealId: '1',
    outcome: 'won',
    value: 100,
    currency: 'EUR',
    closedAt: 1,
    sourceUpdatedAt: 10,
    version: 1,
    fingerprint: 'won|100.00|EUR',
    recordedAt: 5,
    updatedAt: 5,
    planned: false,
  } satisfies CloseRecord;

  it('gives the won close its new value, as a plain close input', () => {
    expect(revalueRecordedClose(won, { amount: '250', updatedAt: 20 })).toEqual({
      leadId: 'lead_1',
      crm: 'hubspot',
      dealId: '1',
      outcome: 'won',
      value: 250,
      currency: 'EUR',
      closedAt: 1,
      sourceUpdatedAt: 20,
    });
  });

  it('changes nothing for a lost close or an unchanged value', () => {
    expect(
      revalueRecordedClose({ ...won, outcome: 'lost', value: 0 }, { amount: '250', updatedAt: 20 }),
    ).toBeUndefined();
    expect(revalueRecordedClose(won, { amount: '100', updatedAt: 20 })).toBeUndefined();
  });
});
