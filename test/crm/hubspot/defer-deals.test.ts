import { describe, expect, it } from 'vitest';
import { mergeDealActivity } from '../../../lib/crm/hubspot/defer-deals';

const T0 = Date.UTC(2026, 10, 23, 12);
const activity = (changes: Record<string, { value: string; at: number }>, eventIds = ['1']) => ({
  dealId: '42',
  eventIds,
  latestAt: Math.max(...Object.values(changes).map((change) => change.at)),
  changes,
});

describe('mergeDealActivity', () => {
  it('starts a deferred deal due after the Retry-After, or after a minute without one', () => {
    const first = mergeDealActivity(
      undefined,
      activity({ dealstage: { value: 'closedwon', at: T0 - 5000 } }),
      {
        now: T0,
        reason: 'rate_limited',
        retryAfterMs: 30_000,
      },
    );
    expect(first).toEqual({
      crm: 'hubspot',
      dealId: '42',
      latestAt: T0 - 5000,
      changes: { dealstage: { value: 'closedwon', at: T0 - 5000 } },
      events: 1,
      reason: 'rate_limited',
      deferredAt: T0,
      retryAt: T0 + 30_000,
      revision: 1,
      updatedAt: T0,
    });
    const plain = mergeDealActivity(undefined, activity({ amount: { value: '10', at: T0 } }), {
      now: T0,
      reason: 'http_502',
      retryAfterMs: undefined,
    });
    expect(plain.retryAt).toBe(T0 + 60_000);
  });

  it('keeps the later change of each property, never moves the retry later, and counts the events', () => {
    const first = mergeDealActivity(
      undefined,
      activity({ dealstage: { value: 'closedwon', at: T0 - 5000 }, amount: { value: '10', at: T0 - 5000 } }),
      { now: T0, reason: 'rate_limited', retryAfterMs: 10_000 },
    );
    const merged = mergeDealActivity(
      first,
      activity({ dealstage: { value: 'closedlost', at: T0 - 1000 }, amount: { value: '5', at: T0 - 9000 } }, [
        '2',
        '3',
      ]),
      { now: T0 + 1000, reason: 'http_503', retryAfterMs: 60_000 },
    );
    expect(merged).toMatchObject({
      changes: { dealstage: { value: 'closedlost', at: T0 - 1000 }, amount: { value: '10', at: T0 - 5000 } },
      latestAt: T0 - 1000,
      events: 3,
      reason: 'http_503',
      deferredAt: T0,
      retryAt: T0 + 10_000,
      revision: 2,
    });
  });

  it('starts over from a record the backfill resolved, keeping its revision for the conditional write', () => {
    const first = mergeDealActivity(undefined, activity({ dealstage: { value: 'closedwon', at: T0 } }), {
      now: T0,
      reason: 'rate_limited',
      retryAfterMs: 1000,
    });
    const again = mergeDealActivity(
      { ...first, resolvedAt: T0 + 5000 },
      activity({ amount: { value: '7', at: T0 + 6000 } }),
      { now: T0 + 7000, reason: 'http_500', retryAfterMs: undefined },
    );
    expect(again).toMatchObject({
      changes: { amount: { value: '7', at: T0 + 6000 } },
      events: 1,
      deferredAt: T0 + 7000,
      retryAt: T0 + 67_000,
      revision: 2,
    });
    expect(again.resolvedAt).toBeUndefined();
  });
});
