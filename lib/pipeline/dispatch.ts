import type { Store } from '../store/store';

/**
 * Entry point of the output side: plan and run the deliveries of recorded closes within a deadline.
 * Until destinations are wired in, recorded closes simply stay in the due index (see record-close),
 * which is exactly where an unfinished inline dispatch leaves them for the backfill.
 */
export type DispatchOptions = { store: Store; now: () => number; deadline: number };

export type DispatchSummary = { closes: number; deliveries: Record<string, Record<string, number>> };

export async function dispatchCloses(
  closeKeys: readonly string[],
  _options: DispatchOptions,
): Promise<DispatchSummary> {
  return { closes: closeKeys.length, deliveries: {} };
}
