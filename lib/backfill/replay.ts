import type { Destination } from '../destinations/types';
import { type ConversionSubject, type DeliveryRecord, type DeliveryStatus, isOrderSubject } from '../domain';
import type { PipelineContext } from '../pipeline/context';
import { conversionFor, deliveredForReplay } from '../pipeline/conversion';
import { type DeliveryJob, decideRow, deliverJobs } from '../pipeline/deliver';
import { planDelivery } from '../pipeline/plan-deliveries';
import { leadKeysOf } from '../pipeline/subject-keys';
import { deliveryRefKey } from '../store/deliveries';

/**
 * A manual replay (`{"replay": {"subjects": [...], "destinations": [...]}}`, docs/backfill.md): re-send the
 * chosen subjects' deliveries now, whatever their status, with the IDs they were first sent with
 * (transactionId, orderId, event_id derive from the lead or order ID), so the platform takes the re-send
 * as the same conversion — an update, never a second one. Where the platform would not (outside its
 * de-duplication window, `Destination.deduplicationWindowMs`), or the mapping would no longer send what
 * the platform holds (an event now too old), the delivery is left exactly as it is and the answer says why.
 * A subject not planned yet, or a destination it has no delivery for, is planned as the backfill would.
 */
export type ReplayRequest = {
  /** Subject keys: a close's lead ID (or `<crm>-deal:<id>`), or `order:<id>`. */
  subjects: readonly string[];
  /** Destination names; every enabled destination when absent. */
  destinations?: readonly string[];
};

export type ReplayedDelivery = {
  destination: string;
  /** `sent`: uploaded again; `recorded`: decided without a request (skipped, failed, waiting); `not_replayed`: left as it was. */
  replay: 'sent' | 'recorded' | 'not_replayed';
  /** The delivery's status after the replay. */
  status?: DeliveryStatus;
  reason?: string;
  attempts?: number;
  platformResponseId?: string;
};

export type SubjectReplay = { subject: string; found: boolean; deliveries: ReplayedDelivery[] };

export type ReplaySummary = {
  subjects: SubjectReplay[];
  /** Platform requests made, per destination. */
  requests: Record<string, number>;
  /** Some chosen delivery was not recorded (no time left, or a concurrent write): replay it again. */
  more: boolean;
};

function heldByPlatform(delivery: DeliveryRecord | undefined): boolean {
  return delivery?.delivered !== undefined && !delivery.delivered.retracted;
}

/** Why the platform would count a re-send of this delivery twice, or undefined when it would not. */
function outsideDeduplication(
  destination: Destination,
  subject: ConversionSubject,
  delivery: DeliveryRecord,
  now: number,
): string | undefined {
  if (!heldByPlatform(delivery) || !delivery.delivered) return undefined;
  const type = isOrderSubject(subject) ? 'checkout_completed' : 'lead_closed';
  const window = destination.deduplicationWindowMs?.[type];
  if (window === undefined) return 'not_deduplicated';
  return now - delivery.delivered.at > window ? 'outside_deduplication_window' : undefined;
}

export async function replaySubjects(
  context: PipelineContext,
  request: ReplayRequest & { deadline: number },
): Promise<ReplaySummary> {
  const subjectKeys = [...new Set(request.subjects)];
  const enabled = new Map(context.destinations.map((destination) => [destination.name, destination]));
  const chosen = request.destinations ? [...new Set(request.destinations)] : [...enabled.keys()];
  const destinations = chosen.flatMap((name) => enabled.get(name) ?? []);
  const refs = subjectKeys.flatMap((subjectKey) =>
    destinations.map((destination) => ({ subjectKey, destination: destination.name })),
  );
  const state = await context.store.getState({
    subjects: subjectKeys,
    deliveries: refs,
    leads: leadKeysOf(subjectKeys),
  });
  const now = context.now();
  const answers = new Map<string, ReplayedDelivery>();
  const jobs: DeliveryJob[] = [];
  for (const subjectKey of subjectKeys) {
    const subject = state.subjects.get(subjectKey);
    if (!subject) continue;
    for (const name of chosen) {
      const destination = enabled.get(name);
      const key = deliveryRefKey({ subjectKey, destination: name });
      if (!destination) {
        answers.set(key, { destination: name, replay: 'not_replayed', reason: 'destination_disabled' });
        continue;
      }
      const stored = state.deliveries.get(key);
      const planned = planDelivery(subject, name, stored, { now, dueAt: now, dryRun: context.dryRun });
      if (!planned) {
        answers.set(key, { destination: name, replay: 'not_replayed', reason: 'concurrent_update' });
        continue;
      }
      const delivery = planned.delivery;
      const refused = planned.write ? undefined : outsideDeduplication(destination, subject, delivery, now);
      if (refused) {
        answers.set(key, { ...asAnswer(delivery, 'not_replayed'), reason: refused });
        continue;
      }
      const job: DeliveryJob = { subject, delivery, expected: planned.expected, replay: true };
      if (heldByPlatform(delivery)) {
        // What the platform holds is only ever replaced by a re-send, never by a verdict without one.
        const lead = subject.leadId ? state.leads.get(subject.leadId) : undefined;
        const conversion = conversionFor(
          subject,
          lead,
          deliveredForReplay(subject, delivery.delivered),
          now,
          context.crmDisplayNames,
        );
        const decision = decideRow(destination, conversion);
        if (decision.kind !== 'send') {
          answers.set(key, { ...asAnswer(delivery, 'not_replayed'), reason: decision.reason });
          continue;
        }
      }
      jobs.push(job);
    }
  }

  const run = await deliverJobs(context, jobs, state.leads, request.deadline);
  const after = await context.store.getDeliveries(jobs.map((job) => job.delivery));
  for (const job of jobs) {
    const key = deliveryRefKey(job.delivery);
    const stored = after.get(key);
    if (!run.recorded.has(key) || !stored) {
      answers.set(key, {
        destination: job.delivery.destination,
        replay: 'not_replayed',
        reason: 'not_recorded',
      });
      continue;
    }
    const uploaded = stored.attempts > job.delivery.attempts && stored.history?.at(-1)?.kind === 'upload';
    answers.set(key, asAnswer(stored, uploaded ? 'sent' : 'recorded'));
  }
  return {
    subjects: subjectKeys.map((subject) => ({
      subject,
      found: state.subjects.has(subject),
      deliveries: state.subjects.has(subject)
        ? chosen.flatMap(
            (destination) => answers.get(deliveryRefKey({ subjectKey: subject, destination })) ?? [],
          )
        : [],
    })),
    requests: run.summary.requests,
    more: [...answers.values()].some((answer) => answer.reason === 'not_recorded'),
  };
}

function asAnswer(delivery: DeliveryRecord, replay: ReplayedDelivery['replay']): ReplayedDelivery {
  return {
    destination: delivery.destination,
    replay,
    status: delivery.status,
    ...(delivery.lastErrorCode ? { reason: delivery.lastErrorCode } : {}),
    attempts: delivery.attempts,
    ...(delivery.platformResponseId ? { platformResponseId: delivery.platformResponseId } : {}),
  };
}
