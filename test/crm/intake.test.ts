import { describe, expect, it } from 'vitest';
import { receiptExpiresAt } from '../../lib/crm/intake';

describe('intake helpers', () => {
  it('expires receipts after 30 days, in epoch seconds', () => {
    expect(receiptExpiresAt(Date.UTC(2026, 10, 20))).toBe(Date.UTC(2026, 11, 20) / 1000);
  });
});
