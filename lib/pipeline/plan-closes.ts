import { ConcurrentUpdateError } from '../errors';
import type { CloseRecord, DeliveryRecord } from '../store/records';
import { type DeliveryExpectation, deliveryRefKey } from '../store/store';
import { mapWithConcurrency } from './concurrency';
import type { DeliverOptions, DeliveryJob } from './deliver';
import { planDelivery } from './plan-deliveries';

/**
 * Writes the planned deliveries of closes (conditional: a concurrent planner of the same close wins and
 * owns that delivery) and says which closes are fully planned. The caller marks those planned only after
 * this returns, so a crash in between leaves the close in the due index rather than losing it.
 */
export type PlanResult = {
  /** Deliveries this call wrote: they are ours to process. */
  planned: DeliveryJob[];
  /** Deliveries already right for their close's version (written earlier, or by someone else). */
  existing: DeliveryJob[];
  /** Unplanned closes whose every delivery now exists at their version. */
  ready: CloseRecord[];
};

const PLAN_WRITE_CONCURRENCY = 32;

export async function planCloses(
  closes: readonly CloseRecord[],
  stored: ReadonlyMap<string, DeliveryRecord>,
  options: Pick<DeliverOptions, 'store' | 'destinations' | 'now' | 'dryRun'>,
  dueAt: number,
): Promise<PlanResult> {
  const now = options.now();
  const writes: { job: DeliveryJob; previous: DeliveryExpectation | undefined }[] = [];
  const existing: DeliveryJob[] = [];
  const blocked = new Set<string>();
  for (const close of closes) {
    for (const destination of options.destinations) {
      const current = stored.get(deliveryRefKey({ closeKey: close.closeKey, destination: destination.name }));
      const plan = planDelivery(close, destination.name, current, { now, dueAt, dryRun: options.dryRun });
      if (!plan) {
        blocked.add(close.closeKey);
        continue;
      }
      // The final write expects the state planned here (or found, when nothing needed writing).
      const job: DeliveryJob = {
        close,
        delivery: plan.delivery,
        expected: { closeVersion: plan.delivery.closeVersion, attempts: plan.delivery.attempts },
      };
      if (plan.write) writes.push({ job, previous: plan.expected });
      else existing.push(job);
    }
  }
  const planned: DeliveryJob[] = [];
  await mapWithConcurrency(writes, PLAN_WRITE_CONCURRENCY, async ({ job, previous }) => {
    try {
      await options.store.putDelivery(job.delivery, previous);
      planned.push(job);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      // Someone else planned (or moved) this delivery first; they own it now.
      blocked.add(job.close.closeKey);
    }
  });
  const ready = closes.filter((close) => !close.planned && !blocked.has(close.closeKey));
  return { planned, existing, ready };
}
