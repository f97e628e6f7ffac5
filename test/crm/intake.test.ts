import { describe, expect, it } from 'vitest';
import { inlineDispatchDeadline, receiptExpiresAt } from '../../lib/crm/intake';

describe('intake helpers', () => {
  it('cuts the inline dispatch budget to the caller timeout and Lambda remaining time', () => {
    expect(inlineDispatchDeadline({ now: 1000, budgetMs: 2500, remainingMs: 9000 })).toBe(3500);
    expect(inlineDispatchDeadline({ now: 1000, budgetMs: 2500, remainingMs: 2000 })).toBe(2000);
    expect(inlineDispatchDeadline({ now: 1000, budgetMs: 2500, remainingMs: 9000, answerBy: 1800 })).toBe(
      1800,
    );
  });

  it('expires receipts after 30 days, in epoch seconds', () => {
    expect(receiptExpiresAt(Date.UTC(2026, 10, 20))).toBe(Date.UTC(2026, 11, 20) / 1000);
  });
});
