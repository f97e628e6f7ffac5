import { mapWithConcurrency } from '../concurrency';
import type { ProcessingAnswer } from '../destinations/types';
import type { DeliveryRecord, ProcessingCheckRecord } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import type { PageCursor } from '../store/table-access';
import type { PipelineContext } from './context';
import { countPlatformRejections, countRecordedDelivery, logGivenUp } from './delivery-metrics';
import { retryDelayMs } from './delivery-outcome';
import { countStatus, type DeliverySummary, emptySummary } from './delivery-summary';
import { deliveryAfterProcessing } from './processing-outcome';

/**
 * The backfill's first step on the output side: for each platform request whose processing check is due
 * (and only those: their own partition of the due index), one status call, then its result recorded on
 * every delivery the request carried that is still `accepted` under that request ID — a delivery uploaded
 * again meanwhile is never overwritten by the old request's result (each write is conditional on the
 * delivery's version and attempts as read). A check still processing, or whose call failed, is asked
 * again later; one whose result is recorded leaves the index. Every step is safe to repeat.
 */
export type ProcessingCheckSummary = DeliverySummary & {
  /** Status calls made. */
  checked: number;
  /** Requests still processing (or whose status call failed): asked again at a later run. */
  pending: number;
};

/** Status calls side by side: few, Data Manager allows 300 requests a minute per project. */
const CHECK_CONCURRENCY = 4;
const PAGE_SIZE = 100;
/** A run makes at most this many status calls; the rest stay due for the next run. */
const MAX_CHECKS_PER_RUN = 500;
const MIN_REQUEST_WINDOW_MS = 1000;
/** A status call that failed is tried again no sooner than this. */
const UNAVAILABLE_RETRY_MS = 5 * 60_000;

export async function checkProcessingResults(
  context: PipelineContext,
  call: { deadline: number },
): Promise<ProcessingCheckSummary> {
  const summary: ProcessingCheckSummary = { ...emptySummary(), checked: 0, pending: 0 };
  const sources = new Map(
    context.destinations.flatMap((destination) =>
      destination.processing ? [[destination.name, destination.processing] as const] : [],
    ),
  );
  if (sources.size === 0) return summary;
  const startedAt = context.now();
  const seen = new Set<string>();
  let cursor: PageCursor | undefined;
  do {
    if (summary.checked >= MAX_CHECKS_PER_RUN || call.deadline - context.now() < MIN_REQUEST_WINDOW_MS) break;
    const page = await context.store.queryProcessingChecks({
      now: startedAt,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    cursor = page.cursor;
    const due = page.checks.filter((check) => {
      const key = `${check.destination}|${check.requestId}`;
      if (seen.has(key) || !sources.has(check.destination)) return false;
      seen.add(key);
      return true;
    });
    await mapWithConcurrency(due, CHECK_CONCURRENCY, async (check) => {
      const source = sources.get(check.destination);
      if (!source || call.deadline - context.now() < MIN_REQUEST_WINDOW_MS) return;
      summary.checked++;
      summary.requests[check.destination] = (summary.requests[check.destination] ?? 0) + 1;
      const answer = await source.retrieve(check.requestId, check.events, { deadline: call.deadline });
      await recordAnswer(context, check, answer, source.checkDelayMs, summary);
    });
  } while (cursor);
  if (summary.checked > 0) {
    context.logger.info('processing results checked', {
      checked: summary.checked,
      pending: summary.pending,
      deliveries: summary.deliveries,
      conflicts: summary.conflicts,
    });
  }
  return summary;
}

async function recordAnswer(
  context: PipelineContext,
  check: ProcessingCheckRecord,
  answer: ProcessingAnswer,
  checkDelayMs: number,
  summary: ProcessingCheckSummary,
): Promise<void> {
  const now = context.now();
  if (answer.kind !== 'final') {
    summary.pending++;
    const delay =
      answer.kind === 'processing'
        ? checkDelayMs
        : Math.max(UNAVAILABLE_RETRY_MS, retryDelayMs(check.checks + 1, answer.retryAfterMs, context.random));
    const said = answer.kind === 'processing' ? 'PROCESSING' : `${answer.code}: ${answer.message}`;
    if (!(await context.store.rescheduleProcessingCheck(check, now + delay, said))) summary.conflicts++;
    return;
  }
  const { verdict } = answer;
  const refs = check.subjectKeys.map((subjectKey) => ({ subjectKey, destination: check.destination }));
  const stored = await context.store.getDeliveries(refs);
  const written: DeliveryRecord[] = [];
  for (const delivery of stored.values()) {
    // Uploaded again (or re-planned) since: this request's result is no longer that delivery's.
    if (delivery.status !== 'accepted' || delivery.platformResponseId !== check.requestId) continue;
    const next = deliveryAfterProcessing(delivery, verdict, {
      now,
      random: context.random,
      requestId: check.requestId,
      events: check.events,
    });
    try {
      await context.store.putDelivery(next, {
        subjectVersion: delivery.subjectVersion,
        attempts: delivery.attempts,
      });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      summary.conflicts++;
      continue;
    }
    written.push(next);
    countStatus(summary, next.destination, next.status);
    countRecordedDelivery(context.metrics, next);
    if (next.status === 'retry')
      countPlatformRejections(context.metrics, next.destination, verdict.reason ?? 'UNSPECIFIED', 1);
  }
  // A larger request's drops cannot be pinned on a delivery: they are counted once, for the request.
  if (verdict.outcome === 'partial_success' && written.length > 0) {
    for (const error of verdict.errors) {
      countPlatformRejections(context.metrics, check.destination, error.reason, error.count);
    }
  }
  logGivenUp(context.logger, written);
  if (!(await context.store.resolveProcessingCheck(check, now, verdict.status))) summary.conflicts++;
}
