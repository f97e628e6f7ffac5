import { mapWithConcurrency } from '../concurrency';
import type { ConversionSubject, DeliveryRecord } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { deliveryRefKey } from '../store/deliveries';
import type { DeliverOptions, DeliveryJob } from './deliver';
import { planDelivery } from './plan-deliveries';

/**
 * Plans the deliveries of closes. Two ways, one per path:
 * - `claim` (inline): the planned deliveries are written at once, `nextAttemptAt` just after the caller's
 *   deadline, so the backfill leaves them to this caller; a concurrent planner of the same close wins and
 *   owns that delivery. The close can then be marked planned straight away.
 * - not claimed (backfill): nothing is written here; the delivery's first write is its result, conditional
 *   on the state planned from, which saves one write per delivery. The close is marked planned only once
 *   every delivery is recorded (`closesToMark`), so a crash in between leaves it due, never lost.
 */
export type PlanResult = {
  /** Deliveries planned by this call: they are ours to process. */
  planned: DeliveryJob[];
  /** Deliveries already right for their close's version (written earlier, or by someone else). */
  existing: DeliveryJob[];
  /** Unplanned closes none of whose deliveries is blocked (a stale read or a lost race). */
  ready: ConversionSubject[];
};

const PLAN_WRITE_CONCURRENCY = 32;

export async function planSubjects(
  closes: readonly ConversionSubject[],
  stored: ReadonlyMap<string, DeliveryRecord>,
  options: Pick<DeliverOptions, 'store' | 'destinations' | 'now' | 'dryRun'>,
  plan: { dueAt: number; claim: boolean },
): Promise<PlanResult> {
  const now = options.now();
  const planned: DeliveryJob[] = [];
  const existing: DeliveryJob[] = [];
  const blocked = new Set<string>();
  for (const close of closes) {
    for (const destination of options.destinations) {
      const current = stored.get(
        deliveryRefKey({ subjectKey: close.subjectKey, destination: destination.name }),
      );
      const next = planDelivery(close, destination.name, current, {
        now,
        dueAt: plan.dueAt,
        dryRun: options.dryRun,
      });
      if (!next) {
        blocked.add(close.subjectKey);
        continue;
      }
      if (!next.write) {
        existing.push({
          subject: close,
          delivery: next.delivery,
          expected: { subjectVersion: next.delivery.subjectVersion, attempts: next.delivery.attempts },
        });
      } else planned.push({ subject: close, delivery: next.delivery, expected: next.expected });
    }
  }
  if (!plan.claim) {
    return {
      planned,
      existing,
      ready: closes.filter((close) => !close.planned && !blocked.has(close.subjectKey)),
    };
  }
  const claimed: DeliveryJob[] = [];
  await mapWithConcurrency(planned, PLAN_WRITE_CONCURRENCY, async (job) => {
    try {
      await options.store.putDelivery(job.delivery, job.expected);
      // The final write expects the state just written.
      claimed.push({
        ...job,
        expected: { subjectVersion: job.delivery.subjectVersion, attempts: job.delivery.attempts },
      });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      // Someone else planned (or moved) this delivery first; they own it now.
      blocked.add(job.subject.subjectKey);
    }
  });
  // Writes finish in any order; keep the closes' order so that batches do not depend on write latency.
  const order = new Map(planned.map((job, index) => [deliveryRefKey(job.delivery), index]));
  const byInput = (a: DeliveryJob, b: DeliveryJob) =>
    (order.get(deliveryRefKey(a.delivery)) ?? 0) - (order.get(deliveryRefKey(b.delivery)) ?? 0);
  return {
    planned: claimed.sort(byInput),
    existing,
    ready: closes.filter((close) => !close.planned && !blocked.has(close.subjectKey)),
  };
}

/**
 * Unplanned closes whose planned deliveries were all recorded (`recorded` holds their delivery keys):
 * these can leave the due index.
 */
export function closesToMark(
  ready: readonly ConversionSubject[],
  planned: readonly DeliveryJob[],
  recorded: ReadonlySet<string>,
): ConversionSubject[] {
  const unrecorded = new Set(
    planned.filter((job) => !recorded.has(deliveryRefKey(job.delivery))).map((job) => job.subject.subjectKey),
  );
  return ready.filter((close) => !unrecorded.has(close.subjectKey));
}
