import { describe, expect, it } from 'vitest';
import { formatBackfillProgress } from '../../local/backfill-progress';
import { T0 } from '../support/clock';

describe('formatBackfillProgress', () => {
  it('prints one line per polled window and per delivery round', () => {
    expect(
      formatBackfillProgress({
        phase: 'poll',
        crm: 'hubspot',
        window: { since: T0 - 3_600_000, until: T0 },
        found: 12,
        recorded: 2,
      }),
    ).toBe('backfill · hubspot    polled to 2026-11-20T10:00Z · 12 closes found, 2 recorded');
    expect(
      formatBackfillProgress({ phase: 'deliver', read: 10_000, rounds: 1, deliveries: 20_000, requests: 10 }),
    ).toBe('backfill · round 1 · 10000 due items read · 20000 deliveries recorded · 10 platform requests');
  });
});
