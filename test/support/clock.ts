/** A fixed "now" for tests: 2026-11-20T10:00:00Z. */
export const T0 = Date.parse('2026-11-20T10:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type TestClock = {
  /** A plain function: hand `clock.now` itself to whatever reads the time. */
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
};

/**
 * The one time source of a test, handed to whatever reads "now" (runtime, fakes, Lambda contexts, sleeps).
 * It moves only when the test moves it (`advance`, `set`), so every time the code computes is exact; a
 * clock nobody moves is a fixed one (`createClock(NOW).now`). With `realTime` it also runs with the wall
 * clock, for tests over real sockets: there the code under test measures real waits (retries, timeouts)
 * against deadlines it computed from this clock, and a frozen clock would never reach them.
 */
export function createClock(start: number = T0, options: { realTime?: boolean } = {}): TestClock {
  const wallStart = Date.now();
  const elapsed = options.realTime ? () => Date.now() - wallStart : () => 0;
  let base = start;
  return {
    now: () => base + elapsed(),
    advance(ms) {
      base += ms;
    },
    set(ms) {
      base = ms - elapsed();
    },
  };
}
