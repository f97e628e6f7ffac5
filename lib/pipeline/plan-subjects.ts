import { mapWithConcurrency } from '../concurrency';
import { type ConversionSubject, type DeliveryRecord, isStageSubject, stageGoesTo } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { deliveryRefKey } from '../store/deliveries';
import type { PipelineContext } from './context';
import type { DeliveryJob } from './deliver';
import { planDelivery } from './plan-deliveries';

/**
 * Plans the deliveries of subjects (closes, orders). Two ways, one per path:
 * - `claim` (inline): the planned deliveries are written at once, `nextAttemptAt` just after the caller's
 *   deadline, so the backfill leaves them to this caller; a concurrent planner of the same subject wins and
 *   owns that delivery. The subject can then be marked planned straight away.
 * - not claimed (backfill): nothing is written here; the delivery's first write is its result, conditional
 *   on the state planned from, which saves one write per delivery. The subject is marked planned only once
 *   every delivery is recorded (`subjectsToMark`), so a crash in between leaves it due, never lost.
 */
export type PlanResult = {
  /** Deliveries planned by this call: they are ours to process. */
  planned: DeliveryJob[];
  /** Deliveries already right for their subject's version (written earlier, or by someone else). */
  existing: DeliveryJob[];
  /** Unplanned subjects none of whose deliveries is blocked (a stale read or a lost race). */
  ready: ConversionSubject[];
};

const PLAN_WRITE_CONCURRENCY = 32;

export async function planSubjects(
  context: Pick<PipelineContext, 'store' | 'destinations' | 'now' | 'dryRun'>,
  subjects: readonly ConversionSubject[],
  stored: ReadonlyMap<string, DeliveryRecord>,
  plan: { dueAt: number; claim: boolean },
): Promise<PlanResult> {
  const now = context.now();
  const planned: DeliveryJob[] = [];
  const existing: DeliveryJob[] = [];
  const blocked = new Set<string>();
  for (const subject of subjects) {
    for (const destination of context.destinations) {
      // A destination a stage's entry does not name gets nothing for it: no delivery at all.
      if (isStageSubject(subject) && !stageGoesTo(subject, destination.name)) continue;
      const current = stored.get(
        deliveryRefKey({ subjectKey: subject.subjectKey, destination: destination.name }),
      );
      const next = planDelivery(subject, destination.name, current, {
        now,
        dueAt: plan.dueAt,
        dryRun: context.dryRun,
      });
      if (!next) {
        blocked.add(subject.subjectKey);
        continue;
      }
      if (!next.write) {
        existing.push({
          subject,
          delivery: next.delivery,
          expected: { subjectVersion: next.delivery.subjectVersion, attempts: next.delivery.attempts },
        });
      } else planned.push({ subject, delivery: next.delivery, expected: next.expected });
    }
  }
  if (!plan.claim) {
    return {
      planned,
      existing,
      ready: subjects.filter((subject) => !subject.planned && !blocked.has(subject.subjectKey)),
    };
  }
  const claimed: DeliveryJob[] = [];
  await mapWithConcurrency(planned, PLAN_WRITE_CONCURRENCY, async (job) => {
    try {
      await context.store.putDelivery(job.delivery, job.expected);
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
  // Writes finish in any order; keep the subjects' order so that batches do not depend on write latency.
  const order = new Map(planned.map((job, index) => [deliveryRefKey(job.delivery), index]));
  const byInput = (a: DeliveryJob, b: DeliveryJob) =>
    (order.get(deliveryRefKey(a.delivery)) ?? 0) - (order.get(deliveryRefKey(b.delivery)) ?? 0);
  return {
    planned: claimed.sort(byInput),
    existing,
    ready: subjects.filter((subject) => !subject.planned && !blocked.has(subject.subjectKey)),
  };
}

/**
 * Unplanned subjects whose planned deliveries were all recorded (`recorded` holds their delivery keys):
 * these can leave the due index.
 */
export function subjectsToMark(
  ready: readonly ConversionSubject[],
  planned: readonly DeliveryJob[],
  recorded: ReadonlySet<string>,
): ConversionSubject[] {
  const unrecorded = new Set(
    planned.filter((job) => !recorded.has(deliveryRefKey(job.delivery))).map((job) => job.subject.subjectKey),
  );
  return ready.filter((subject) => !unrecorded.has(subject.subjectKey));
}
