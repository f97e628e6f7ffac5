import type { ConversionSubject } from '../domain';
import type { DeliveryRef } from '../store/deliveries';
import { type DeliveryJob, type DeliverySummary, deliverJobs, emptySummary } from './deliver';
import { shouldWaitForLead } from './delivery-outcome';
import { type PipelineOptions, resolveDeliverOptions } from './options';
import { planSubjects } from './plan-closes';
import { leadKeysOf } from './subject-keys';

/**
 * Entry point of the output side on the inline paths: a CRM webhook right after recording closes, and
 * collect when a lead arrives after its close. Within the deadline it plans the closes' deliveries,
 * joins their leads, uploads and records each delivery; whatever it cannot finish stays due for the
 * backfill (processDueWork).
 *
 * Racing the backfill: a delivery planned here is written with `nextAttemptAt` just after the deadline,
 * so the backfill does not see it as due while this call owns it; if this call dies, the backfill takes
 * it over a minute later. Every final write is conditional on the delivery's version and attempts, so of
 * two processors that did race (a manual retryNow run) exactly one result is recorded, and the platforms'
 * ids (transactionId, orderId, event_id = the lead ID) make the repeated upload an update, not a
 * second conversion.
 */
export type DispatchOptions = PipelineOptions & {
  /** Closes (or orders) the caller has just read or written, to save reading them again. */
  closes?: ReadonlyMap<string, ConversionSubject>;
};

export type DispatchSummary = { closes: number } & DeliverySummary;

/** How long after its deadline an inline call still owns the deliveries it planned. */
export const INLINE_CLAIM_GRACE_MS = 60_000;

/** `closeKeys` may hold order subject keys (`order:<id>`, lib/store/keys.ts): orders go the same way. */
export async function dispatchSubjects(
  closeKeys: readonly string[],
  options: DispatchOptions,
): Promise<DispatchSummary> {
  const keys = [...new Set(closeKeys)];
  const resolved = resolveDeliverOptions(options);
  // Without destinations the closes stay in the due index, exactly where an unfinished dispatch leaves them.
  if (keys.length === 0 || resolved.destinations.length === 0)
    return { closes: keys.length, ...emptySummary() };

  const refs: DeliveryRef[] = keys.flatMap((subjectKey) =>
    resolved.destinations.map((destination) => ({ subjectKey, destination: destination.name })),
  );
  // One round of reads: a close is keyed by its lead ID whenever it has one, so the lead's key is known
  // before the close is read.
  const [closes, stored, leads] = await Promise.all([
    options.closes ? Promise.resolve(options.closes) : options.store.getSubjects(keys),
    options.store.getDeliveries(refs),
    options.store.getLeads(leadKeysOf(keys)),
  ]);
  const found = keys
    .map((key) => closes.get(key))
    .filter((close): close is ConversionSubject => close !== undefined);
  if (found.length === 0) return { closes: 0, ...emptySummary() };

  const { planned, existing, ready } = await planSubjects(found, stored, resolved, {
    dueAt: options.deadline + INLINE_CLAIM_GRACE_MS,
    claim: true,
  });
  // A delivery that was waiting for its lead goes now if the lead has arrived (collect) or the wait is over.
  const now = resolved.now();
  const waiting = existing.filter(
    (job: DeliveryJob) =>
      job.delivery.status === 'waiting_for_lead' &&
      !shouldWaitForLead(
        job.subject,
        job.subject.leadId ? leads.has(job.subject.leadId) : false,
        now,
        resolved.leadWaitMs,
      ),
  );
  // The claimed deliveries exist: the closes can leave the due index while the uploads run.
  const [, run] = await Promise.all([
    Promise.all(ready.map((close) => options.store.markSubjectPlanned(close.subjectKey, close.version))),
    deliverJobs([...planned, ...waiting], leads, resolved),
  ]);
  return { closes: found.length, ...run.summary };
}
