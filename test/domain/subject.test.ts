import { describe, expect, it } from 'vitest';
import { type CloseRecord, isClaimed, subjectDueAt } from '../../lib/domain';

const close = (overrides: Partial<CloseRecord> = {}): CloseRecord => ({
  subjectKey: 'lead_1',
  leadId: 'lead_1',
  crm: 'hubspot',
  outcome: 'won',
  value: 100,
  currency: 'USD',
  closedAt: 1000,
  sourceUpdatedAt: 1000,
  version: 1,
  fingerprint: 'won|100.00|USD',
  recordedAt: 1000,
  updatedAt: 1000,
  planned: false,
  ...overrides,
});

describe('isClaimed', () => {
  it('holds for an unplanned subject until its recorder’s claim ends', () => {
    expect(isClaimed(close({ claimedUntil: 5000 }), 4999)).toBe(true);
    expect(isClaimed(close({ claimedUntil: 5000 }), 5000)).toBe(false);
    expect(isClaimed(close(), 0)).toBe(false);
  });

  it('no longer holds once the subject is planned', () => {
    expect(isClaimed(close({ claimedUntil: 5000, planned: true }), 1000)).toBe(false);
  });
});

describe('subjectDueAt', () => {
  it('is when the subject changed, or when its claim ends if later', () => {
    expect(subjectDueAt(close())).toBe(1000);
    expect(subjectDueAt(close({ claimedUntil: 61_000 }))).toBe(61_000);
    expect(subjectDueAt(close({ claimedUntil: 10 }))).toBe(1000);
  });
});
