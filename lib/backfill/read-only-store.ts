import type { DeliveryRecord } from '../store/records';
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

export function createReadOnlyStore(store: Store): ReadOnlyStore {
  const wouldWrite: DeliveryRecord[] = [];
  return {
    ...store,
    wouldWrite,
    async putLead() {},
    async putClose() {},
    async markClosePlanned() {
      return true;
    },
    async putDealPointer() {},
    async putDelivery(delivery) {
      wouldWrite.push(delivery);
    },
    async putReceipt() {
      return true;
    },
    async putCheckpoint() {},
  };
}
