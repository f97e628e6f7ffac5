import type { ConversionSubject, DeliveryRecord, LeadRecord } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { type DeliveryRef, deliveryRefKey } from '../store/deliveries';
import type { PipelineContext } from './context';
import { type DeliveryJob, type DeliveryRun, deliverJobs } from './deliver';
import { countRecordedDelivery, logGivenUp } from './delivery-metrics';
import { deliveryAfterOutcome } from './delivery-outcome';
import { countStatus, type DeliverySummary, emptySummary } from './delivery-summary';
import { planSubjects, subjectsToMark } from './plan-subjects';
import { leadKeysOf } from './subject-keys';

/**
 * One round of the output side, the same for the inline dispatch and the backfill: one round of reads
 * (the subjects not in hand, their stored deliveries, their leads — a close is keyed by its lead ID
 * whenever it has one, so the lead's key is known before the close is read), then plan, deliver, and let
 * the planned subjects leave the due index. The paths differ only in what they give a round:
 * - inline: the subjects just recorded, planned as claimed until just after the call's deadline, so
 *   their subjects can leave the due index while the uploads run;
 * - backfill: a page of the due index — unplanned subjects, planned unclaimed (their subjects leave the
 *   index only once every delivery is recorded) and due deliveries, taken as they are.
 */
type RoundBase = {
  /** Subjects whose deliveries this round plans. */
  subjectKeys: readonly string[];
  /** Subjects the caller has already read or written: not read again. */
  known?: ReadonlyMap<string, ConversionSubject>;
  /** Platform requests end by then; what is not sent by then stays due. */
  deadline: number;
  /** Which deliveries already right for their subject's version go out in this round. */
  takeExisting: (job: DeliveryJob, state: { leads: ReadonlyMap<string, LeadRecord>; now: number }) => boolean;
};

export type RoundInput = RoundBase &
  (
    | {
        /** The planned deliveries are written at once, due at this time: this caller owns them until then. */
        claimUntil: number;
        dueDeliveries?: never;
      }
    | {
        claimUntil?: never;
        /** Deliveries read from the due index: each goes out unless its subject moved on or is gone. */
        dueDeliveries: readonly DeliveryRecord[];
      }
  );

export type RoundResult = {
  summary: DeliverySummary;
  /** Subjects to plan that were found. */
  subjects: number;
  /** Subjects that left the due index. */
  marked: number;
};

export async function runRound(context: PipelineContext, input: RoundInput): Promise<RoundResult> {
  const keys = [...new Set(input.subjectKeys)];
  const due = input.dueDeliveries ?? [];
  const known = input.known ?? new Map<string, ConversionSubject>();
  const allKeys = [...new Set([...keys, ...due.map((delivery) => delivery.subjectKey)])];
  const unread = allKeys.filter((key) => !known.has(key));
  const refs: DeliveryRef[] = keys.flatMap((subjectKey) =>
    context.destinations.map((destination) => ({ subjectKey, destination: destination.name })),
  );
  const [read, stored, leads] = await Promise.all([
    unread.length > 0
      ? context.store.getSubjects(unread)
      : Promise.resolve(new Map<string, ConversionSubject>()),
    refs.length > 0 ? context.store.getDeliveries(refs) : Promise.resolve(new Map<string, DeliveryRecord>()),
    context.store.getLeads(leadKeysOf(allKeys)),
  ]);
  const subjectOf = (key: string) => known.get(key) ?? read.get(key);
  const found = keys.map(subjectOf).filter((subject): subject is ConversionSubject => subject !== undefined);
  if (found.length === 0 && due.length === 0) return { summary: emptySummary(), subjects: 0, marked: 0 };

  const claimed = input.claimUntil !== undefined;
  const { planned, existing, ready } = await planSubjects(
    context,
    found,
    stored,
    input.claimUntil !== undefined
      ? { dueAt: input.claimUntil, claim: true }
      : { dueAt: context.now(), claim: false },
  );
  const now = context.now();
  const jobs = new Map<string, DeliveryJob>();
  for (const job of [...planned, ...existing.filter((job) => input.takeExisting(job, { leads, now }))]) {
    jobs.set(deliveryRefKey(job.delivery), job);
  }
  const orphans: DeliveryRecord[] = [];
  for (const delivery of due) {
    const key = deliveryRefKey(delivery);
    if (jobs.has(key)) continue;
    const subject = subjectOf(delivery.subjectKey);
    if (!subject) {
      orphans.push(delivery);
      continue;
    }
    // A subject that moved to a newer version re-plans this delivery itself (it is due as unplanned).
    if (subject.version !== delivery.subjectVersion) continue;
    jobs.set(key, {
      subject,
      delivery,
      expected: { subjectVersion: delivery.subjectVersion, attempts: delivery.attempts },
    });
  }

  const deliver = () => deliverJobs(context, [...jobs.values()], leads, input.deadline);
  if (claimed) {
    // The claimed deliveries exist: the subjects can leave the due index while the uploads run.
    const [, run] = await Promise.all([markPlanned(context, ready), deliver()]);
    return { summary: run.summary, subjects: found.length, marked: ready.length };
  }
  const run: DeliveryRun = await deliver();
  // Only now: a subject leaves the due index once each of its deliveries is recorded.
  const marked = subjectsToMark(ready, planned, run.recorded);
  await Promise.all([
    markPlanned(context, marked),
    ...orphans.map((delivery) => recordOrphan(context, delivery, run.summary)),
  ]);
  return { summary: run.summary, subjects: found.length, marked: marked.length };
}

function markPlanned(context: PipelineContext, subjects: readonly ConversionSubject[]) {
  return Promise.all(
    subjects.map((subject) => context.store.markSubjectPlanned(subject.subjectKey, subject.version)),
  );
}

/** A due delivery whose subject is gone would be read on every run: it fails, visibly, once. */
async function recordOrphan(
  context: PipelineContext,
  delivery: DeliveryRecord,
  summary: DeliverySummary,
): Promise<void> {
  const next = deliveryAfterOutcome(
    delivery,
    {
      kind: 'failed',
      reason: 'close_missing',
      code: 'close_missing',
      message: 'the close of this delivery is gone',
    },
    { now: context.now(), random: context.random },
  );
  try {
    await context.store.putDelivery(next, {
      subjectVersion: delivery.subjectVersion,
      attempts: delivery.attempts,
    });
    countStatus(summary, next.destination, next.status);
    countRecordedDelivery(context.metrics, next);
    logGivenUp(context.logger, [next]);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    summary.conflicts++;
  }
}
