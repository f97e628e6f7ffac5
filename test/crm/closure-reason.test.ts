import { describe, expect, it } from 'vitest';
import { closureReasonKey, normaliseClosureReason } from '../../lib/crm/closure-reason';

describe('normaliseClosureReason', () => {
  it('files common CRM phrasings and keeps the raw text as the detail', () => {
    expect(normaliseClosureReason('Lost to Competitor')).toEqual({
      closureReason: 'lost_to_competitor',
      closureDetail: 'Lost to Competitor',
    });
    expect(normaliseClosureReason('Too expensive')).toEqual({
      closureReason: 'price',
      closureDetail: 'Too expensive',
    });
    expect(normaliseClosureReason('Went dark')).toEqual({
      closureReason: 'unresponsive',
      closureDetail: 'Went dark',
    });
  });

  it("follows the seed's examples: project_postponed is no_decision, budget_constraints is price", () => {
    expect(normaliseClosureReason('project_postponed').closureReason).toBe('no_decision');
    expect(normaliseClosureReason('Budget constraints').closureReason).toBe('price');
  });

  it('omits the detail when the text is the reason itself', () => {
    expect(normaliseClosureReason('no_decision')).toEqual({ closureReason: 'no_decision' });
  });

  it('falls back to keywords, then to other', () => {
    expect(normaliseClosureReason('They picked a competitor product').closureReason).toBe(
      'lost_to_competitor',
    );
    expect(normaliseClosureReason('Call back next year').closureReason).toBe('timing');
    expect(normaliseClosureReason('Champion left the company')).toEqual({
      closureReason: 'other',
      closureDetail: 'Champion left the company',
    });
  });

  it('lets CLOSURE_REASON_MAP win, matching keys case- and punctuation-insensitively', () => {
    const map = { 'Champion left the company': 'no_decision', 'Too expensive': 'budget' };
    expect(normaliseClosureReason('champion left the company!', map)).toEqual({
      closureReason: 'no_decision',
      closureDetail: 'champion left the company!',
    });
    expect(normaliseClosureReason('TOO EXPENSIVE', map).closureReason).toBe('budget');
  });

  it('returns nothing for an empty reason', () => {
    expect(normaliseClosureReason('  ')).toEqual({});
    expect(normaliseClosureReason(undefined)).toEqual({});
  });

  it('closureReasonKey folds accents and punctuation', () => {
    expect(closureReasonKey(' Précio — Alto! ')).toBe('precio_alto');
  });
});
