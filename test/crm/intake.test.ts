import { describe, expect, it } from 'vitest';
import { inlineDispatchDeadline, mapWithConcurrency, receiptExpiresAt } from '../../lib/crm/intake';

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

  it('runs at most `limit` tasks at once and keeps the order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (value) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
