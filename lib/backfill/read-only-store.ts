import type { DeliveryRecord } from '../domain';
import type { Store } from '../store/store';

/**
 * A manual `dryRun` rehearses a backfill against the real table: every read is real, every write is
 * kept in memory instead. Nothing is recorded — no close, no delivery status, no checkpoint — so the
 * rehearsal cannot consume due work (a delivery recorded `skipped:dry_run` would leave the due index and
 * never be sent for real). The deliveries it would have written, with the exact payloads, are kept for
 * the summary.
 */
export type ReadOnlyStore = Store & {
  /** Deliveries the run would have recorded, in the order it decided them. */
  readonly wouldWrite: DeliveryRecord[];
};

/** The store's naming: reads are get/query/scan; everything else writes (put, mark…). */
export const READ_VERB = /^(get|query|scan)[A-Z]/;

export function createReadOnlyStore(store: Store): ReadOnlyStore {
  const wouldWrite: DeliveryRecord[] = [];
  const readOnly: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    // A write verb answers as if it had succeeded (true where a verb reports success): the run goes on
    // exactly as a real one would, and a write verb added later is covered without touching this file.
    readOnly[name] = typeof member !== 'function' || READ_VERB.test(name) ? member : async () => true;
  }
  readOnly.putDelivery = async (delivery: DeliveryRecord) => {
    wouldWrite.push(delivery);
  };
  readOnly.wouldWrite = wouldWrite;
  return readOnly as ReadOnlyStore;
}
