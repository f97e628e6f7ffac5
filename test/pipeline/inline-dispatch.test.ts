import { describe, expect, it } from 'vitest';
import { emptySummary } from '../../lib/pipeline/delivery-summary';
import type { DispatchCall } from '../../lib/pipeline/dispatch';
import { INLINE_CLAIM_GRACE_MS } from '../../lib/pipeline/dispatch';
import {
  createInlineDispatch,
  createInlineHandoff,
  INLINE_FINISH_MARGIN_MS,
  inlineDispatchDeadline,
} from '../../lib/pipeline/inline-dispatch';
import { emptyState } from '../../lib/store/state';
import { createRecordingLogger } from '../support/recording-logger';

describe('inlineDispatchDeadline', () => {
  it('cuts the inline dispatch budget to the caller timeout and Lambda remaining time', () => {
    expect(inlineDispatchDeadline(1000, { budgetMs: 2500, remainingMs: 9000 })).toBe(3500);
    expect(inlineDispatchDeadline(1000, { budgetMs: 2500, remainingMs: 2000 })).toBe(
      1000 + 2000 - INLINE_FINISH_MARGIN_MS,
    );
    expect(inlineDispatchDeadline(1000, { budgetMs: 2500, remainingMs: 9000, answerBy: 1800 })).toBe(1800);
  });

  it('keeps one finish margin for every caller: 1.5 s before Lambda’s timeout', () => {
    expect(INLINE_FINISH_MARGIN_MS).toBe(1500);
  });
});

describe('createInlineDispatch', () => {
  const NOW = 1_000_000;
  function setUp(dispatch: (keys: readonly string[], call: DispatchCall) => Promise<void> = async () => {}) {
    const calls: { keys: string[]; call: DispatchCall }[] = [];
    const { logger, lines } = createRecordingLogger();
    const dispatchInline = createInlineDispatch({
      dispatchSubjects: async (keys, call) => {
        calls.push({ keys: [...keys], call });
        await dispatch(keys, call);
        return { subjects: keys.length, ...emptySummary() };
      },
      budgetMs: 2500,
      now: () => NOW,
      logger,
    });
    return { dispatchInline, calls, lines };
  }

  it('hands the keys and the subjects in hand over with the deadline of the budget rule', async () => {
    const { dispatchInline, calls } = setUp();
    const subjects = new Map();

    const summary = await dispatchInline(['a', 'b'], { remainingMs: 3000, answerBy: NOW + 2000, subjects });

    expect(calls).toEqual([{ keys: ['a', 'b'], call: { deadline: NOW + 1500, subjects } }]);
    expect(summary).toMatchObject({ subjects: 2 });
  });

  it('does nothing without keys, and skips (saying so) when no time is left', async () => {
    const { dispatchInline, calls, lines } = setUp();

    expect(await dispatchInline([], { remainingMs: 10_000 })).toBeUndefined();
    expect(await dispatchInline(['a'], { remainingMs: INLINE_FINISH_MARGIN_MS })).toBeUndefined();

    expect(calls).toEqual([]);
    expect(lines).toEqual([
      expect.stringContaining('inline dispatch skipped: no time left; the backfill will deliver'),
    ]);
  });

  it('never fails the caller: a failed dispatch is logged and left to the backfill', async () => {
    const { dispatchInline, lines } = setUp(async () => {
      throw new TypeError('store unreachable');
    });

    expect(await dispatchInline(['a'], { remainingMs: 10_000 })).toBeUndefined();

    expect(lines).toEqual([expect.stringContaining('inline dispatch failed; the backfill will retry')]);
  });
});

describe('createInlineHandoff', () => {
  const NOW = 1_000_000;

  it('claims until just after the latest deadline the dispatch can get, and dispatches as the owner', async () => {
    let now = NOW;
    const calls: { keys: string[]; call: DispatchCall }[] = [];
    const { logger } = createRecordingLogger();
    const dispatchInline = createInlineDispatch({
      dispatchSubjects: async (keys, call) => {
        calls.push({ keys: [...keys], call });
        return { subjects: keys.length, ...emptySummary() };
      },
      budgetMs: 2500,
      now: () => now,
      logger,
    });
    const handoff = createInlineHandoff(
      { dispatchInline, destinations: [{ name: 'meta' }], now: () => now },
      { remainingMs: 9000, answerBy: NOW + 4000 },
    );
    const recorded = new Map([['lead_a', { subjectKey: 'lead_a' } as never]]);
    const prefetched = { request: handoff.stateRequest(['lead_a']), state: emptyState() };

    now = NOW + 300;
    await handoff.dispatch(recorded, prefetched);

    expect(handoff.claimUntil).toBe(NOW + 4000 + INLINE_CLAIM_GRACE_MS);
    expect(handoff.stateRequest(['lead_a'])).toEqual({
      subjects: ['lead_a'],
      deliveries: [{ subjectKey: 'lead_a', destination: 'meta' }],
      leads: ['lead_a'],
    });
    // The budget counts from the dispatch, the Lambda's time from the handoff: both bounds hold.
    expect(calls).toEqual([
      { keys: ['lead_a'], call: { deadline: NOW + 300 + 2500, subjects: recorded, prefetched, owned: true } },
    ]);
    expect(calls[0]?.call.deadline).toBeLessThanOrEqual(handoff.claimUntil - INLINE_CLAIM_GRACE_MS);
  });

  it('without an answer deadline, claims until Lambda’s own end less the finish margin', () => {
    const handoff = createInlineHandoff(
      { dispatchInline: async () => undefined, destinations: [], now: () => NOW },
      { remainingMs: 9000 },
    );

    expect(handoff.claimUntil).toBe(NOW + 9000 - INLINE_FINISH_MARGIN_MS + INLINE_CLAIM_GRACE_MS);
  });
});
