import { type ConversionSubject, type DeliveryRecord, isClaimed, type LeadRecord } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { deliveryRefKey } from '../store/deliveries';
import type { PipelineContext } from './context';
import { type DeliveryJob, type DeliveryRun, deliverJobs } from './deliver';
import { countRecordedDelivery, logGivenUp } from './delivery-metrics';
import { deliveryAfterOutcome } from './delivery-outcome';
import { countStatus, type DeliverySummary, emptySummary } from './delivery-summary';
import { planSubjects, subjectsToMark } from './plan-subjects';
import { type RoundState, readRoundState, roundStateRequest } from './round-state';
import { leadKeysOf } from './subject-keys';

/**
 * One round of the output side, the same for the inline dispatch and the backfill: one round of reads
 * (the subjects not in hand, their stored deliveries, their leads — a close is keyed by its lead ID
 * whenever it has one, so the lead's key is known before the close is read), then plan, deliver, and let
 * the planned subjects leave the due index. The paths differ only in what they give a round:
 * - inline, by the call that recorded the subjects (`owned`): it holds their claim (CloseRecord.claimedUntil),
 *   so nothing is written before the uploads; the deliveries' first write is their result, and the subjects
 *   leave the due index once every delivery is recorded — the reads may come from the caller's own read;
 * - inline, by anyone else: the subjects not claimed by their recorder, planned as claimed until just after
 *   the call's deadline (a delivery written before the upload), so they can leave the due index while the
 *   uploads run;
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
  /** The round's reads, made earlier by the caller (what they cover is not read again). */
  prefetched?: RoundState;
};

export type RoundInput = RoundBase &
  (
    | {
        /** The planned deliveries are written at once, due at this time: this caller owns them until then. */
        claimUntil: number;
        dueDeliveries?: never;
        owned?: never;
      }
    | {
        /** The caller recorded these subjects and holds their claim: planned unclaimed, as the backfill does. */
        owned: true;
        claimUntil?: never;
        dueDeliveries?: never;
      }
    | {
        claimUntil?: never;
        owned?: never;
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
  const needed = roundStateRequest(context.destinations, keys);
  // One read for all three (BatchGetItem takes any keys): leads are keyed by lead ID, which is the close
  // key whenever the close has one, so the lead's key is known before the close is read.
  const state = await readRoundState(
    context.store,
    { subjects: unread, deliveries: needed.deliveries ?? [], leads: leadKeysOf(allKeys) },
    input.prefetched,
  );
  const read = state.subjects;
  const stored = state.deliveries;
  const leads = state.leads;
  const subjectOf = (key: string) => known.get(key) ?? read.get(key);
  const claimed = input.claimUntil !== undefined;
  const readAt = context.now();
  const found = keys
    .map(subjectOf)
    .filter((subject): subject is ConversionSubject => subject !== undefined)
    // A subject its recorder is still dispatching is that call's (only the recorder's own round is `owned`).
    .filter((subject) => !claimed || !isClaimed(subject, readAt));
  if (found.length === 0 && due.length === 0) return { summary: emptySummary(), subjects: 0, marked: 0 };

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
