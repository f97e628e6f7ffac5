import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { parseConversionStages } from '../lib/conversion-stages';
import { ConfigurationError } from '../lib/errors';

const QUALIFIED = {
  name: 'qualified',
  hubspot: { dealStages: ['qualifiedtobuy'], lifecycleStages: ['salesqualifiedlead'] },
  salesforce: { opportunityStages: ['Qualification'], leadStatuses: ['Qualified'] },
  value: { fixed: 250, currency: 'USD' },
  google: { conversionAction: '777000111' },
  meta: { eventName: 'LeadQualified' },
  ga4: { eventName: 'qualify_lead' },
  tiktok: { eventName: 'Contact' },
};

describe('parseConversionStages', () => {
  it('reads the issue’s example entry, a share of the amount and a lead-capture stage, in funnel order', () => {
    const result = parseConversionStages(
      JSON.stringify([
        { name: 'lead', onLeadCaptured: true, meta: { eventName: 'Lead' } },
        QUALIFIED,
        { name: 'proposal', hubspot: { dealStages: ['contractsent'] }, value: { fractionOfAmount: 0.2 } },
      ]),
    );

    expect(result).toEqual({
      ok: true,
      stages: [
        { name: 'lead', onLeadCaptured: true, meta: { eventName: 'Lead' } },
        { ...QUALIFIED, onLeadCaptured: false },
        {
          name: 'proposal',
          onLeadCaptured: false,
          hubspot: { dealStages: ['contractsent'], lifecycleStages: [] },
          value: { fractionOfAmount: 0.2 },
        },
      ],
    });
  });

  it('is empty when unset', () => {
    expect(parseConversionStages(undefined)).toEqual({ ok: true, stages: [] });
  });

  it('names a bad entry by its index and field', () => {
    const result = parseConversionStages(
      JSON.stringify([
        QUALIFIED,
        { name: 'demo', hubspot: { dealStages: ['presentationscheduled'] } },
        { name: 'proposal', value: { fixed: 'a lot', currency: 'USD' } },
      ]),
    );

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toContain('CONVERSION_STAGES[2].value.fixed');
  });

  it('names every bad field at once: a bad name, an unknown field, a non-numeric action, a bad GA4 name', () => {
    const result = parseConversionStages(
      JSON.stringify([
        { name: 'Qualified!' },
        { name: 'sql', hubsopt: {} },
        { name: 'opp', google: { conversionAction: 'customers/1/conversionActions/2' } },
        { name: 'won_ish', ga4: { eventName: '1st-stage' } },
      ]),
    );

    expect(result.ok).toBe(false);
    const text = !result.ok ? result.problems.join('\n') : '';
    expect(text).toContain('CONVERSION_STAGES[0].name');
    expect(text).toContain('CONVERSION_STAGES[1].hubsopt');
    expect(text).toContain('CONVERSION_STAGES[2].google.conversionAction');
    expect(text).toContain('CONVERSION_STAGES[3].ga4.eventName');
  });

  it('refuses a repeated name and a CRM value claimed by two stages', () => {
    const repeated = parseConversionStages(JSON.stringify([{ name: 'qualified' }, { name: 'qualified' }]));
    const shared = parseConversionStages(
      JSON.stringify([
        { name: 'qualified', hubspot: { dealStages: ['qualifiedtobuy'] } },
        { name: 'sql', hubspot: { dealStages: ['qualifiedtobuy'] } },
      ]),
    );

    expect(repeated).toEqual({
      ok: false,
      problems: ['CONVERSION_STAGES[1].name: "qualified" is already stage 0'],
    });
    expect(shared).toEqual({
      ok: false,
      problems: [
        'CONVERSION_STAGES[1].hubspot.dealStages[0]: "qualifiedtobuy" already belongs to stage "qualified"',
      ],
    });
  });

  it('refuses what is not a JSON array', () => {
    expect(parseConversionStages('{"name":"qualified"}')).toEqual({
      ok: false,
      problems: ['CONVERSION_STAGES must be a JSON array of stages'],
    });
    expect(parseConversionStages('[{')).toEqual({
      ok: false,
      problems: ['CONVERSION_STAGES must be a JSON array of stages'],
    });
  });
});

describe('loadConfig with CONVERSION_STAGES', () => {
  it('fails start-up naming the entry and field', () => {
    let caught: unknown;
    try {
      loadConfig({
        CONVERSION_STAGES: JSON.stringify([QUALIFIED, { name: 'x', value: { fractionOfAmount: 2 } }]),
      });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).message).toContain('CONVERSION_STAGES[1].value.fractionOfAmount');
    expect((caught as ConfigurationError).variables).toEqual(['CONVERSION_STAGES']);
  });

  it('carries the stages in the pipeline configuration, none by default', () => {
    expect(loadConfig({}).conversionStages).toEqual([]);
    expect(loadConfig({ CONVERSION_STAGES: JSON.stringify([QUALIFIED]) }).conversionStages).toEqual([
      { ...QUALIFIED, onLeadCaptured: false },
    ]);
  });
});
