import type { ConversionSubject } from '../domain';
import type { PipelineContext } from './context';
import { shouldWaitForLead } from './delivery-outcome';
import { type DeliverySummary, emptySummary } from './delivery-summary';
import { runRound } from './round';
import type { RoundState } from './round-state';

/**
 * The output side on the inline paths: a CRM webhook right after recording closes, and collect after
 * recording closes and orders or when a lead arrives after its close. Within the deadline it plans the
 * subjects' deliveries, joins their leads, uploads and records each delivery; whatever it cannot finish
 * stays due for the backfill (processDueWork).
 *
 * Racing the backfill and other inline calls: the call that recorded a close holds its claim
 * (CloseRecord.claimedUntil, written with the close: until just after this call's latest deadline), so no
 * one else plans it meanwhile and it enters the due index only when the claim ends — that call (`owned`)
 * writes nothing before its uploads. Anyone else plans only unclaimed subjects, and claims each delivery
 * it plans by writing it with `nextAttemptAt` just after its deadline before uploading; a concurrent
 * planner of the same delivery loses that write and leaves it. If a caller dies, the backfill takes its
 * work over a minute later. Every final write is conditional on the delivery's version and attempts, so
 * of two processors that did race (a manual retryNow run) exactly one result is recorded, and the
 * platforms' ids (transactionId, orderId, event_id = the lead ID) make the repeated upload an update, not
 * a second conversion.
 */
export type DispatchCall = {
  /** Epoch ms by which platform requests must have finished (the final writes follow). */
  deadline: number;
  /** Subjects (closes, orders) the caller has just read or written, to save reading them again. */
  subjects?: ReadonlyMap<string, ConversionSubject>;
  /** The round's reads, made by the caller beside its own (lib/pipeline/round-state.ts). */
  prefetched?: RoundState;
  /** The caller recorded these subjects holding their claim: nothing is claimed again before the uploads. */
  owned?: boolean;
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
    ...(call.prefetched ? { prefetched: call.prefetched } : {}),
    deadline: call.deadline,
    ...(call.owned ? { owned: true as const } : { claimUntil: call.deadline + INLINE_CLAIM_GRACE_MS }),
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
