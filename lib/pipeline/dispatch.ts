import type { ConversionSubject } from '../domain';
import type { PipelineContext } from './context';
import { shouldWaitForLead } from './delivery-outcome';
import { type DeliverySummary, emptySummary } from './delivery-summary';
import { runRound } from './round';

/**
 * The output side on the inline paths: a CRM webhook right after recording closes, and collect after
 * recording closes and orders or when a lead arrives after its close. Within the deadline it plans the
 * subjects' deliveries, joins their leads, uploads and records each delivery; whatever it cannot finish
 * stays due for the backfill (processDueWork).
 *
 * Racing the backfill: a delivery planned here is written with `nextAttemptAt` just after the deadline,
 * so the backfill does not see it as due while this call owns it; if this call dies, the backfill takes
 * it over a minute later. Every final write is conditional on the delivery's version and attempts, so of
 * two processors that did race (a manual retryNow run) exactly one result is recorded, and the platforms'
 * ids (transactionId, orderId, event_id = the lead ID) make the repeated upload an update, not a
 * second conversion.
 */
export type DispatchCall = {
  /** Epoch ms by which platform requests must have finished (the final writes follow). */
  deadline: number;
  /** Subjects (closes, orders) the caller has just read or written, to save reading them again. */
  subjects?: ReadonlyMap<string, ConversionSubject>;
};

export type DispatchSummary = { subjects: number } & DeliverySummary;

/** The inline dispatch as the runtime carries it: bound to the process's pipeline context. */
export type DispatchSubjects = (
  subjectKeys: readonly string[],
  call: DispatchCall,
) => Promise<DispatchSummary>;

/** How long after its deadline an inline call still owns the deliveries it planned. */
export const INLINE_CLAIM_GRACE_MS = 60_000;

/** `subjectKeys` may hold order subject keys (`order:<id>`, lib/store/keys.ts): orders go the same way. */
export async function dispatchSubjects(
  context: PipelineContext,
  subjectKeys: readonly string[],
  call: DispatchCall,
): Promise<DispatchSummary> {
  const keys = [...new Set(subjectKeys)];
  // Without destinations the subjects stay in the due index, where an unfinished dispatch leaves them.
  if (keys.length === 0 || context.destinations.length === 0) {
    return { subjects: keys.length, ...emptySummary() };
  }
  const round = await runRound(context, {
    subjectKeys: keys,
    ...(call.subjects ? { known: call.subjects } : {}),
    deadline: call.deadline,
    claimUntil: call.deadline + INLINE_CLAIM_GRACE_MS,
    // A delivery waiting for its lead goes now if the lead has arrived (collect) or the wait is over.
    takeExisting: (job, { leads, now }) =>
      job.delivery.status === 'waiting_for_lead' &&
      !shouldWaitForLead(
        job.subject,
        job.subject.leadId ? leads.has(job.subject.leadId) : false,
        now,
        context.leadWaitMs,
      ),
  });
  return { subjects: round.subjects, ...round.summary };
}

export function bindDispatchSubjects(context: PipelineContext): DispatchSubjects {
  return (subjectKeys, call) => dispatchSubjects(context, subjectKeys, call);
}
