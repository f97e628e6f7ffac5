import type { Checkpoint } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import type { Store } from '../store/store';
import { checkpointAfterWindow, type PollWindow } from './windows';

/**
 * Moves a CRM's checkpoint after `window` is fully recorded, conditionally on the value this run read: if
 * another run moved it meanwhile (a manual run beside the schedule), the newer value is read back and the
 * move is decided again, so the checkpoint only ever goes forward. Returns the checkpoint as it now is.
 */
export async function advanceCheckpoint(
  store: Store,
  source: string,
  current: Checkpoint | undefined,
  window: PollWindow,
  options: { manual: boolean; now: number },
): Promise<Checkpoint | undefined> {
  let known = current;
  for (let attempt = 0; attempt < 3; attempt++) {
    const until = checkpointAfterWindow(known, window, options.manual);
    if (until === undefined) return known;
    const next: Checkpoint = { source, until, updatedAt: options.now };
    try {
      await store.putCheckpoint(next, known?.until);
      return next;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      known = await store.getCheckpoint(source);
    }
  }
  return known;
}
