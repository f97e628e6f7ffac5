import { mapWithConcurrency } from '../concurrency';
import type { Conversion, DeliveredState, Destination, RowDecision, RowOutcome } from '../destinations/types';
import { type ConversionSubject, type DeliveryRecord, isWithdrawn, type LeadRecord } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { type DeliveryExpectation, deliveryRefKey } from '../store/deliveries';
import type { PipelineContext } from './context';
import { conversionFor, deliveredForReplay } from './conversion';
import { countLeadJoinMisses, countRecordedDelivery, logGivenUp } from './delivery-metrics';
import { deliveryAfterOutcome, shouldWaitForLead, waitingDelivery } from './delivery-outcome';
import { countStatus, type DeliverySummary, emptySummary } from './delivery-summary';
import { recordProcessingChecks } from './processing-checks';

/**
 * The shared batch processor of the inline (webhook, collect) and backfill paths: for each delivery job,
 * join the lead, let the destination decide, group the rows into full platform batches, upload (or, in
 * dry-run, only describe), and record each delivery with one conditional write.
 */
export type DeliveryJob = {
  /** The delivery's subject: a close, or an order (lib/pipeline/conversion.ts tells them apart). */
  subject: ConversionSubject;
  delivery: DeliveryRecord;
  /** The stored state this job read: the final write is conditional on it (undefined: must not exist). */
  expected: DeliveryExpectation | undefined;
  /** A manual replay (lib/backfill/replay.ts): what the platform already holds is sent again, same IDs. */
  replay?: boolean;
};

/** Parallel conditional writes: enough to hide DynamoDB latency, few enough not to throttle. */
const WRITE_CONCURRENCY = 32;
/** Below this much time before the deadline no new platform request starts. */
const MIN_REQUEST_WINDOW_MS = 1000;

type Pending = {
  job: DeliveryJob;
  destination: Destination;
  decision: Extract<RowDecision<unknown>, { kind: 'send' }>;
  payload: unknown;
};

type Result = { job: DeliveryJob; next: DeliveryRecord } | { job: DeliveryJob; next: undefined };

/** A run's summary, and the deliveries whose result is recorded (by delivery key). */
export type DeliveryRun = { summary: DeliverySummary; recorded: Set<string> };

/** The destination mapping's verdict for one conversion (an event type it does not map is skipped). */
export function decideRow(destination: Destination, conversion: Conversion) {
  const mapping = destination.mappings[conversion.type];
  if (!mapping) {
    return {
      kind: 'skip',
      reason: 'unsupported_event',
      message: `${destination.name} does not take ${conversion.type}`,
    } as const;
  }
  // A value the CRM sent cannot be right (currency, amount, close time): no platform gets a guess.
  if (
    conversion.type === 'lead_closed' &&
    conversion.close.unusable &&
    !isWithdrawn(conversion.close.outcome)
  ) {
    return { kind: 'skip', ...conversion.close.unusable } as const;
  }
  // The mapping is looked up by the conversion's own type, so the pair always matches.
  return (mapping as (input: typeof conversion) => RowDecision<unknown>)(conversion);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

async function uploadForDestination(
  destination: Destination,
  pending: readonly Pending[],
  context: PipelineContext,
  deadline: number,
  summary: DeliverySummary,
): Promise<Map<Pending, RowOutcome | undefined>> {
  const outcomes = new Map<Pending, RowOutcome | undefined>();
  const byBatch = new Map<string, Pending[]>();
  for (const item of pending) {
    const list = byBatch.get(item.decision.batch) ?? [];
    list.push(item);
    byBatch.set(item.decision.batch, list);
  }
  let stopped: RowOutcome | undefined;
  for (const [batch, items] of byBatch) {
    for (const part of chunk(items, Math.max(1, destination.maxBatchSize(batch)))) {
      if (stopped) {
        for (const item of part) outcomes.set(item, stopped);
        continue;
      }
      if (deadline - context.now() < MIN_REQUEST_WINDOW_MS) {
        for (const item of part) outcomes.set(item, undefined);
        continue;
      }
      const result = await destination
        .upload(
          part.map((item) => item.decision.row),
          batch,
          { deadline },
        )
        .catch((error: unknown) => {
          // Clients answer per row; anything thrown here is a bug: record it and keep the run going.
          context.logger.warn('destination upload failed unexpectedly', {
            destination: destination.name,
            error: (error as Error)?.name,
          });
          return {
            outcomes: part.map(
              (): RowOutcome => ({
                kind: 'retry',
                code: 'internal_error',
                message: 'upload failed unexpectedly',
              }),
            ),
            requests: 0,
          };
        });
      summary.requests[destination.name] = (summary.requests[destination.name] ?? 0) + result.requests;
      part.forEach((item, index) => {
        const outcome = result.outcomes[index];
        outcomes.set(item, outcome);
        // A configuration error (missing scope, expired token) would fail every later request the same way.
        if (outcome?.kind === 'failed' && outcome.configuration) stopped = outcome;
      });
    }
  }
  return outcomes;
}

/**
 * Processes delivery jobs end to end; platform requests end by `deadline`. `leads` holds the leads already
 * read for these subjects (by lead ID); jobs whose close has a lead ID but no lead wait for it, up to
 * `leadWaitMs` after the close (an order joins no lead).
 */
export async function deliverJobs(
  context: PipelineContext,
  jobs: readonly DeliveryJob[],
  leads: ReadonlyMap<string, LeadRecord>,
  deadline: number,
): Promise<DeliveryRun> {
  const summary = emptySummary();
  const recorded = new Set<string>();
  const now = context.now();
  const byName = new Map(context.destinations.map((destination) => [destination.name, destination]));
  const results: Result[] = [];
  const pending: Pending[] = [];
  const record = (
    job: DeliveryJob,
    outcome: RowOutcome,
    extra: { payload?: unknown; accepted?: DeliveredState; sent?: boolean } = {},
  ) =>
    results.push({
      job,
      next: deliveryAfterOutcome(job.delivery, outcome, {
        now: context.now(),
        random: context.random,
        ...extra,
      }),
    });

  for (const job of jobs) {
    const destination = byName.get(job.delivery.destination);
    if (!destination) {
      record(job, {
        kind: 'skipped',
        reason: 'destination_disabled',
        message: `${job.delivery.destination} is not configured in this deployment`,
      });
      continue;
    }
    const lead = job.subject.leadId ? leads.get(job.subject.leadId) : undefined;
    if (shouldWaitForLead(job.subject, lead !== undefined, now, context.leadWaitMs)) {
      const next = waitingDelivery(job.delivery, job.subject, { now, leadWaitMs: context.leadWaitMs });
      const unchanged =
        job.delivery.status === next.status && job.delivery.nextAttemptAt === next.nextAttemptAt;
      results.push({ job, next: unchanged ? undefined : next });
      continue;
    }
    const decision = decideRow(
      destination,
      conversionFor(
        job.subject,
        lead,
        job.replay ? deliveredForReplay(job.subject, job.delivery.delivered) : job.delivery.delivered,
        now,
        context.crmDisplayNames,
      ),
    );
    if (decision.kind === 'skip') {
      record(job, {
        kind: 'skipped',
        reason: decision.reason,
        ...(decision.message ? { message: decision.message } : {}),
      });
      continue;
    }
    if (decision.kind === 'fail') {
      record(job, {
        kind: 'failed',
        reason: decision.reason,
        code: decision.reason,
        message: decision.message,
      });
      continue;
    }
    // The exact single-row request (no credentials): what the platform receives for this delivery.
    const payload = destination.describe([decision.row], decision.batch);
    if (context.dryRun) {
      record(
        job,
        { kind: 'skipped', reason: 'dry_run', message: 'DRY_RUN: payload built and recorded, nothing sent' },
        { payload },
      );
      continue;
    }
    pending.push({ job, destination, decision, payload });
  }

  const perDestination = new Map<Destination, Pending[]>();
  for (const item of pending) {
    const list = perDestination.get(item.destination) ?? [];
    list.push(item);
    perDestination.set(item.destination, list);
  }
  // Destinations upload side by side; within one, batches go one after the other (rate limits).
  const uploaded = await Promise.all(
    [...perDestination].map(([destination, items]) =>
      uploadForDestination(destination, items, context, deadline, summary),
    ),
  );
  for (const outcomes of uploaded) {
    for (const [item, outcome] of outcomes) {
      if (!outcome) {
        summary.deferred++;
        continue;
      }
      record(item.job, outcome, {
        payload: item.payload,
        sent: true,
        ...(outcome.kind === 'delivered' || outcome.kind === 'accepted'
          ? { accepted: item.decision.accepted }
          : {}),
      });
    }
  }

  countLeadJoinMisses(context.metrics, jobs, leads);
  // Before the deliveries say `accepted`: an accepted delivery always has its request's check to end it.
  await recordProcessingChecks(context, byName, results);
  const written: DeliveryRecord[] = [];
  await mapWithConcurrency(results, WRITE_CONCURRENCY, async (result) => {
    const key = deliveryRefKey(result.job.delivery);
    if (!result.next) {
      recorded.add(key);
      return;
    }
    try {
      await context.store.putDelivery(result.next, result.job.expected);
      recorded.add(key);
      countStatus(summary, result.next.destination, result.next.status);
      countRecordedDelivery(context.metrics, result.next);
      written.push(result.next);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) {
        summary.conflicts++;
        return;
      }
      // The item stays as it was (still due): the next run repeats the attempt, which the platforms'
      // ids make an update rather than a duplicate.
      summary.deferred++;
      context.logger.warn('delivery could not be recorded', {
        destination: result.next.destination,
        error: (error as Error)?.name,
      });
    }
  });
  logGivenUp(context.logger, written);
  if (summary.conflicts > 0)
    context.logger.info('deliveries changed concurrently', { conflicts: summary.conflicts });
  return { summary, recorded };
}
