import { describe, expect, it } from 'vitest';
import {
  checkpointAfterWindow,
  halveWindow,
  INITIAL_LOOKBACK_MS,
  MAX_WINDOW_MS,
  POLL_LAG_MS,
  POLL_OVERLAP_MS,
  planPoll,
  splitWindows,
} from '../../lib/backfill/windows';
import { DAY, HOUR, T0 } from '../support/clock';

const checkpoint = (until: number) => ({ source: 'hubspot', until, updatedAt: until });

describe('planPoll', () => {
  it('polls from the checkpoint less the overlap to now less the lag', () => {
    const plan = planPoll({ now: T0, checkpoint: checkpoint(T0 - 15 * 60_000) });

    expect(plan.range).toEqual({ since: T0 - 15 * 60_000 - POLL_OVERLAP_MS, until: T0 - POLL_LAG_MS });
    expect(plan.windows).toEqual([plan.range]);
    expect(plan.manual).toBe(false);
  });

  it('looks back INITIAL_LOOKBACK_MS the first time, in windows of at most MAX_WINDOW_MS', () => {
    const plan = planPoll({ now: T0, checkpoint: undefined });

    expect(plan.range.since).toBe(T0 - INITIAL_LOOKBACK_MS);
    expect(plan.windows).toHaveLength(Math.ceil((INITIAL_LOOKBACK_MS - POLL_LAG_MS) / MAX_WINDOW_MS));
    expect(plan.windows.at(-1)?.until).toBe(T0 - POLL_LAG_MS);
    plan.windows.slice(1).forEach((window, index) => {
      expect(window.since).toBe(plan.windows[index]?.until);
    });
  });

  it('takes a manual window as given, but never past what the CRM has settled', () => {
    expect(
      planPoll({ now: T0, checkpoint: undefined, manual: { since: T0 - 2 * DAY, until: T0 - DAY } }),
    ).toMatchObject({ range: { since: T0 - 2 * DAY, until: T0 - DAY }, manual: true });
    expect(
      planPoll({ now: T0, checkpoint: undefined, manual: { since: T0 - HOUR, until: T0 + DAY } }).range,
    ).toEqual({ since: T0 - HOUR, until: T0 - POLL_LAG_MS });
  });

  it('keeps windows on whole seconds (SOQL datetimes have none smaller)', () => {
    const plan = planPoll({ now: T0 + 1234, checkpoint: checkpoint(T0 - HOUR + 567) });
    expect(plan.range.since % 1000).toBe(0);
    expect(plan.range.until % 1000).toBe(0);
  });
});

describe('checkpointAfterWindow', () => {
  it('starts and moves the checkpoint on a scheduled run', () => {
    expect(checkpointAfterWindow(undefined, { since: 0, until: 100 }, false)).toBe(100);
    expect(checkpointAfterWindow(checkpoint(90), { since: 80, until: 200 }, false)).toBe(200);
  });

  it('moves it on a manual window only when the window continues it, and never backwards', () => {
    expect(checkpointAfterWindow(undefined, { since: 0, until: 100 }, true)).toBeUndefined();
    expect(checkpointAfterWindow(checkpoint(500), { since: 0, until: 100 }, true)).toBeUndefined();
    expect(checkpointAfterWindow(checkpoint(500), { since: 600, until: 700 }, true)).toBeUndefined();
    expect(checkpointAfterWindow(checkpoint(500), { since: 400, until: 700 }, true)).toBe(700);
  });
});

describe('splitWindows and halveWindow', () => {
  it('cuts a range into contiguous windows', () => {
    expect(splitWindows({ since: 0, until: 25 }, 10)).toEqual([
      { since: 0, until: 10 },
      { since: 10, until: 20 },
      { since: 20, until: 25 },
    ]);
    expect(splitWindows({ since: 5, until: 5 }, 10)).toEqual([]);
  });

  it('halves a window until it is as narrow as allowed', () => {
    expect(halveWindow({ since: 0, until: 4000 }, 1000)).toEqual([
      { since: 0, until: 2000 },
      { since: 2000, until: 4000 },
    ]);
    expect(halveWindow({ since: 0, until: 1999 }, 1000)).toBeUndefined();
  });
});
