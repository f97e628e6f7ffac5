import { describe, expect, it } from 'vitest';
import {
  parseStageSubjectKey,
  reachedStages,
  type StageDefinition,
  stageGoesTo,
  stagePlatformId,
  stageSubjectKey,
  stageValue,
} from '../../lib/domain';

const stage = (
  name: string,
  dealStages: string[],
  extra: Partial<StageDefinition> = {},
): StageDefinition => ({
  name,
  onLeadCaptured: false,
  hubspot: { dealStages, lifecycleStages: [] },
  ...extra,
});

const FUNNEL: StageDefinition[] = [
  { name: 'lead', onLeadCaptured: true, meta: { eventName: 'Lead' } },
  stage('qualified', ['qualifiedtobuy']),
  stage('demo', ['presentationscheduled']),
  stage('proposal', ['contractsent']),
];

const dealStages = (definition: StageDefinition) => definition.hubspot?.dealStages ?? [];
const summary = (reaches: ReturnType<typeof reachedStages>) =>
  reaches.map((reach) => ({ stage: reach.definition.name, at: reach.at, implied: reach.implied }));

describe('reachedStages', () => {
  it('reaches the stage whose values hold the current one, at the time it entered it', () => {
    const reaches = reachedStages(FUNNEL, { valuesOf: dealStages, current: 'qualifiedtobuy', at: 1000 });

    expect(summary(reaches)).toEqual([{ stage: 'qualified', at: 1000, implied: false }]);
  });

  it('skips ahead: a later stage implies the earlier ones at its own time, never the lead-capture stage', () => {
    const reaches = reachedStages(FUNNEL, { valuesOf: dealStages, current: 'contractsent', at: 5000 });

    expect(summary(reaches)).toEqual([
      { stage: 'qualified', at: 5000, implied: true },
      { stage: 'demo', at: 5000, implied: true },
      { stage: 'proposal', at: 5000, implied: false },
    ]);
  });

  it('keeps the time the CRM says each earlier stage was entered', () => {
    const entered: Record<string, number> = { qualifiedtobuy: 1000 };
    const reaches = reachedStages(FUNNEL, {
      valuesOf: dealStages,
      current: 'contractsent',
      at: 5000,
      enteredAt: (value) => entered[value],
    });

    expect(summary(reaches)).toEqual([
      { stage: 'qualified', at: 1000, implied: false },
      { stage: 'demo', at: 5000, implied: true },
      { stage: 'proposal', at: 5000, implied: false },
    ]);
  });

  it('a won close reaches every stage at the close time (a deal created straight in Closed Won)', () => {
    const reaches = reachedStages(FUNNEL, {
      valuesOf: dealStages,
      current: 'closedwon',
      at: 9000,
      wonAt: 9000,
    });

    expect(summary(reaches)).toEqual([
      { stage: 'qualified', at: 9000, implied: true },
      { stage: 'demo', at: 9000, implied: true },
      { stage: 'proposal', at: 9000, implied: true },
    ]);
  });

  it('a lost close implies no stage the deal never entered; the ones it entered stand', () => {
    const never = reachedStages(FUNNEL, { valuesOf: dealStages, current: 'closedlost', at: 9000 });
    const entered = reachedStages(FUNNEL, {
      valuesOf: dealStages,
      current: 'closedlost',
      at: 9000,
      enteredAt: (value) => (value === 'presentationscheduled' ? 3000 : undefined),
    });

    expect(never).toEqual([]);
    expect(summary(entered)).toEqual([
      { stage: 'qualified', at: 3000, implied: true },
      { stage: 'demo', at: 3000, implied: false },
    ]);
  });

  it('a value no stage lists reaches nothing', () => {
    expect(reachedStages(FUNNEL, { valuesOf: dealStages, current: 'appointmentscheduled', at: 1 })).toEqual(
      [],
    );
  });
});

describe('stage keys and values', () => {
  it('keys a stage apart from its close and reads the key back', () => {
    const key = stageSubjectKey('qualified', 'lead:with:colons');

    expect(key).toBe('stage:qualified:lead:with:colons');
    expect(parseStageSubjectKey(key)).toEqual({ stage: 'qualified', leadKey: 'lead:with:colons' });
    expect(parseStageSubjectKey('lead_abc')).toBeUndefined();
    expect(stagePlatformId({ leadKey: 'lead_abc', stage: 'qualified' })).toBe('lead_abc:qualified');
  });

  it('values a stage fixed, as a share of a known amount in its currency, or not at all', () => {
    expect(stageValue({ fixed: 250, currency: 'USD' }, { amount: 9000, currency: 'EUR' })).toEqual({
      value: 250,
      currency: 'USD',
    });
    expect(stageValue({ fractionOfAmount: 0.2 }, { amount: 4500.5, currency: 'EUR' })).toEqual({
      value: 900.1,
      currency: 'EUR',
    });
    expect(stageValue({ fractionOfAmount: 0.2 }, { currency: 'EUR' })).toBeUndefined();
    expect(stageValue(undefined, { amount: 1, currency: 'EUR' })).toBeUndefined();
  });

  it('goes only to the destinations its entry names', () => {
    const targets = { google: { conversionAction: '1' }, meta: { eventName: 'LeadQualified' } };

    expect(stageGoesTo({ targets }, 'google-ads')).toBe(true);
    expect(stageGoesTo({ targets }, 'meta')).toBe(true);
    expect(stageGoesTo({ targets }, 'ga4')).toBe(false);
    expect(stageGoesTo({ targets }, 'tiktok')).toBe(false);
  });
});
