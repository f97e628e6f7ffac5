import type { BackfillProgress } from '../lib/backfill/run-backfill';

/**
 * One line per step of a long manual backfill, for a terminal (`npm run invoke -- backfill …` prints it to
 * stderr when stderr is a TTY; Lambda never does). Counts and times only.
 */
export function formatBackfillProgress(progress: BackfillProgress): string {
  if (progress.phase === 'poll') {
    const until = new Date(progress.window.until).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
    return `backfill · ${progress.crm.padEnd(10)} polled to ${until} · ${progress.found} closes found, ${progress.recorded} recorded`;
  }
  return `backfill · round ${progress.rounds} · ${progress.read} due items read · ${progress.deliveries} deliveries recorded · ${progress.requests} platform requests`;
}
