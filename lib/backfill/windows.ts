import type { Checkpoint } from '../domain';

/**
 * Which stretch of CRM change time a backfill polls, cut into windows, and when a window lets the CRM's
 * checkpoint move (pure). The checkpoint is the end of the last window whose closes are all recorded; a
 * run polls from a little before it (the overlap) to a little before now (the lag), one window at a time,
 * and moves the checkpoint after each window — never backwards, never past a window it has not finished.
 */

/**
 * Polling stops this far before now: HubSpot's search index trails writes by seconds to a minute or two,
 * and a close this fresh is normally being recorded by its webhook at this very moment.
 */
export const POLL_LAG_MS = 2 * 60_000;
/**
 * Each run re-reads this much before the checkpoint: it absorbs clock skew between the CRM and us and
 * changes the search index showed late. Re-reading a recorded close costs one read and changes nothing.
 */
export const POLL_OVERLAP_MS = 10 * 60_000;
/** A CRM polled for the first time (no checkpoint) is read this far back: beyond the CRMs' webhook retries
 * (HubSpot ~1 day, workflows 3 days, Salesforce 1 day) and as far as Meta accepts events (7 days). */
export const INITIAL_LOOKBACK_MS = 7 * 24 * 3_600_000;
/** A long stretch (a first run, a manual window, an outage) is polled in windows of at most this. */
export const MAX_WINDOW_MS = 6 * 3_600_000;

export type PollWindow = { since: number; until: number };

export type PollPlan = {
  /** The whole stretch this run means to poll, [since, until). */
  range: PollWindow;
  windows: PollWindow[];
  /** A manual window moves the checkpoint only when it continues it (see `checkpointAfterWindow`). */
  manual: boolean;
};

/** Whole seconds: Salesforce SOQL datetimes have no milliseconds, so windows stay contiguous there. */
function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function splitWindows(range: PollWindow, maxWindowMs = MAX_WINDOW_MS): PollWindow[] {
  const windows: PollWindow[] = [];
  for (let since = range.since; since < range.until; since += maxWindowMs) {
    windows.push({ since, until: Math.min(range.until, since + maxWindowMs) });
  }
  return windows;
}

export function planPoll(options: {
  now: number;
  checkpoint: Checkpoint | undefined;
  manual?: { since?: number; until?: number };
  maxWindowMs?: number;
}): PollPlan {
  const latest = floorToSecond(options.now - POLL_LAG_MS);
  const fromCheckpoint = options.checkpoint
    ? options.checkpoint.until - POLL_OVERLAP_MS
    : options.now - INITIAL_LOOKBACK_MS;
  const since = floorToSecond(options.manual?.since ?? fromCheckpoint);
  // A manual `until` in the future (or inside the lag) is read only up to what the CRM has settled.
  const until = Math.min(latest, floorToSecond(options.manual?.until ?? latest));
  const range = { since, until: Math.max(since, until) };
  return {
    range,
    windows: splitWindows(range, options.maxWindowMs),
    manual: options.manual?.since !== undefined || options.manual?.until !== undefined,
  };
}

/**
 * Where the checkpoint goes once `window` is fully recorded, or undefined to leave it. The scheduled run
 * starts a missing checkpoint and moves it forward; a manual window only moves an existing checkpoint
 * forward when it starts at or before it (so no stretch between the two is skipped), and never creates
 * one (a window from last year must not make the schedule re-read everything since).
 */
export function checkpointAfterWindow(
  checkpoint: Checkpoint | undefined,
  window: PollWindow,
  manual: boolean,
): number | undefined {
  if (!checkpoint) return manual ? undefined : window.until;
  if (window.since > checkpoint.until || window.until <= checkpoint.until) return undefined;
  return window.until;
}

/** The two halves of a window whose search hit the result cap; undefined when it cannot be split further. */
export function halveWindow(window: PollWindow, minWindowMs: number): [PollWindow, PollWindow] | undefined {
  if (window.until - window.since < 2 * minWindowMs) return undefined;
  const middle = window.since + Math.floor((window.until - window.since) / 2);
  return [
    { since: window.since, until: middle },
    { since: middle, until: window.until },
  ];
}
