import { type ConversionSubject, type DeliveryRecord, isDeliveryDue } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { type DeliveryRef, type DueCursor, type DuePage, deliveryRefKey } from '../store/deliveries';
import {
  countStatus,
  type DeliveryJob,
  type DeliverySummary,
  deliverJobs,
  emptySummary,
  mergeSummaries,
} from './deliver';
import { countRecordedDelivery, logGivenUp } from './delivery-metrics';
import { deliveryAfterOutcome } from './delivery-outcome';
import { type PipelineOptions, resolveDeliverOptions } from './options';
import { closesToMark, planSubjects } from './plan-closes';
import { leadKeysOf } from './subject-keys';

/**
 * The backfill's worker: reads the due index (never the table), and processes what is due in rounds of
 * up to `limit` items, so that each destination gets full platform batches (5,000 due Google deliveries
 * are 3 Data Manager requests; 5,000 Meta ones, 5 requests). Per delivery that is one conditional write,
 * plus its share of one Query page and two BatchGetItem calls (closes and leads, 100 keys each).
 *
 * `retryNow` takes every pending, retrying or waiting delivery at once, ignoring back-off (a waiting one
 * still waits while its lead may come, unless the wait is over), then every failed one (read from its
 * own partition of the index, so still no Scan), each with a fresh retry budget. It stops reading new work when less
 * than `reserveMs` is left before the deadline, so that the last round's uploads and writes still fit.
 */
export type ProcessDueOptions = PipelineOptions & {
  /** Due items per round (default 10,000: five full Meta batches, five Data Manager ones). */
  limit?: number;
  /**
   * Everything in the due index whatever its time, then every failed delivery (their own partition of
   * the index), each once: a manual "retry now" after an outage or a configuration fix.
   */
  retryNow?: boolean;
  /**
   * Closes the caller recorded itself (the backfill's CRM polling): processed at once, where a fresh
   * close recorded by someone else is left to that caller's inline dispatch (FRESH_CLOSE_GRACE_MS).
   */
  ownedCloseKeys?: ReadonlySet<string>;
  /** Called after each round with the summary so far (progress of a long manual run). */
  onRound?: (summary: Readonly<ProcessDueSummary>) => void;
  /** Items per Query page (DynamoDB also stops a page at 1 MB). */
  pageSize?: number;
  /** Time kept free before the deadline when deciding to start another round. */
  reserveMs?: number;
};

/**
 * A close recorded this recently is being dispatched by the webhook call that recorded it (its inline
 * budget is seconds): the backfill leaves it alone, rather than upload it a second time in parallel.
 * If that call died, the next run takes the close over.
 */
export const FRESH_CLOSE_GRACE_MS = 60_000;

export type ProcessDueSummary = DeliverySummary & {
  /** Due items read from the index. */
  read: number;
  /** Unplanned closes planned in this run. */
  closesPlanned: number;
  /** Failed deliveries a `retryNow` run took up again. */
  failedRetried: number;
  rounds: number;
  /** True when the run stopped for the deadline with due work left. */
  more: boolean;
};

const DEFAULT_LIMIT = 10_000;
const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_RESERVE_MS = 30_000;

export async function processDueWork(options: ProcessDueOptions): Promise<ProcessDueSummary> {
  const resolved = resolveDeliverOptions(options);
  const limit = Math.max(1, options.limit ?? DEFAULT_LIMIT);
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const reserveMs = options.reserveMs ?? DEFAULT_RESERVE_MS;
  const summary: ProcessDueSummary = {
    ...emptySummary(),
    read: 0,
    closesPlanned: 0,
    failedRetried: 0,
    rounds: 0,
    more: false,
  };
  if (resolved.destinations.length === 0) return summary;

  // retryNow: everything in the index, whatever its time; items rewritten during the run are seen once.
  const startedAt = resolved.now();
  const dueBy = options.retryNow ? Number.MAX_SAFE_INTEGER : startedAt;
  const seen = new Set<string>();
  let cursor: DueCursor | undefined;
  // The due partition first; with retryNow, the failed partition after it.
  let reading: 'due' | 'failed' | 'done' = 'due';
  const readPage = async (room: number): Promise<DuePage> => {
    if (reading === 'due') {
      return options.store.queryDue({ now: dueBy, limit: room, ...(cursor ? { cursor } : {}) });
    }
    const page = await options.store.queryFailed({ limit: room, ...(cursor ? { cursor } : {}) });
    return {
      items: page.deliveries.map((delivery) => ({ type: 'delivery' as const, delivery })),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  };
  while (reading !== 'done') {
    if (options.deadline - resolved.now() < reserveMs) {
      summary.more = true;
      break;
    }
    const closeItems: ConversionSubject[] = [];
    const deliveryItems: DeliveryRecord[] = [];
    while (closeItems.length + deliveryItems.length < limit) {
      const fromFailed = reading === 'failed';
      const page = await readPage(Math.min(pageSize, limit - closeItems.length - deliveryItems.length));
      for (const item of page.items) {
        const key =
          item.type === 'subject' ? `close:${item.subject.subjectKey}` : deliveryRefKey(item.delivery);
        if (seen.has(key)) continue;
        seen.add(key);
        if (item.type === 'delivery') {
          deliveryItems.push(item.delivery);
          if (fromFailed) summary.failedRetried++;
        } else if (
          item.subject.updatedAt <= startedAt - FRESH_CLOSE_GRACE_MS ||
          options.ownedCloseKeys?.has(item.subject.subjectKey)
        ) {
          closeItems.push(item.subject);
        }
      }
      summary.read += page.items.length;
      cursor = page.cursor;
      if (!cursor) {
        reading = reading === 'due' && options.retryNow ? 'failed' : 'done';
        if (reading === 'done') break;
      }
    }
    if (closeItems.length + deliveryItems.length === 0) {
      if (reading === 'done') break;
      continue;
    }
    summary.rounds++;
    const round = await processRound(closeItems, deliveryItems, options, resolved, dueBy);
    summary.closesPlanned += round.closesPlanned;
    mergeSummaries(summary, round.summary);
    options.onRound?.(summary);
    if (round.summary.deferred > 0) {
      summary.more = true;
      break;
    }
  }
  options.logger?.info('due work processed', {
    read: summary.read,
    rounds: summary.rounds,
    requests: summary.requests,
    deliveries: summary.deliveries,
    more: summary.more,
  });
  return summary;
}

async function processRound(
  closeItems: readonly ConversionSubject[],
  deliveryItems: readonly DeliveryRecord[],
  options: ProcessDueOptions,
  resolved: ReturnType<typeof resolveDeliverOptions>,
  dueBy: number,
): Promise<{ summary: DeliverySummary; closesPlanned: number }> {
  const plannedKeys = new Set(closeItems.map((close) => close.subjectKey));
  const otherKeys = [...new Set(deliveryItems.map((delivery) => delivery.subjectKey))].filter(
    (key) => !plannedKeys.has(key),
  );
  const refs: DeliveryRef[] = closeItems.flatMap((close) =>
    resolved.destinations.map((destination) => ({
      subjectKey: close.subjectKey,
      destination: destination.name,
    })),
  );
  // Leads are keyed by lead ID, which is the close key whenever the close has one.
  const [closes, stored, leads] = await Promise.all([
    otherKeys.length > 0
      ? options.store.getSubjects(otherKeys)
      : Promise.resolve(new Map<string, ConversionSubject>()),
    refs.length > 0 ? options.store.getDeliveries(refs) : Promise.resolve(new Map<string, DeliveryRecord>()),
    options.store.getLeads(leadKeysOf([...plannedKeys, ...otherKeys])),
  ]);
  for (const close of closeItems) closes.set(close.subjectKey, close);

  const { planned, existing, ready } = await planSubjects(closeItems, stored, resolved, {
    dueAt: resolved.now(),
    claim: false,
  });
  const jobs = new Map<string, DeliveryJob>();
  for (const job of [...planned, ...existing.filter((job) => isDeliveryDue(job.delivery, dueBy))]) {
    jobs.set(deliveryRefKey(job.delivery), job);
  }
  const orphans: DeliveryRecord[] = [];
  for (const delivery of deliveryItems) {
    const key = deliveryRefKey(delivery);
    if (jobs.has(key)) continue;
    const close = closes.get(delivery.subjectKey);
    if (!close) {
      orphans.push(delivery);
      continue;
    }
    // A close that moved to a newer version re-plans this delivery itself (it is due as unplanned).
    if (close.version !== delivery.subjectVersion) continue;
    jobs.set(key, {
      subject: close,
      delivery,
      expected: { subjectVersion: delivery.subjectVersion, attempts: delivery.attempts },
    });
  }
  const { summary, recorded } = await deliverJobs([...jobs.values()], leads, resolved);
  // Only now: a close leaves the due index once each of its deliveries is recorded.
  const marked = closesToMark(ready, planned, recorded);
  await Promise.all([
    ...marked.map((close) => options.store.markSubjectPlanned(close.subjectKey, close.version)),
    ...orphans.map((delivery) => recordOrphan(delivery, options, resolved, summary)),
  ]);
  return { summary, closesPlanned: marked.length };
}

/** A due delivery whose close is gone would be read on every run: it fails, visibly, once. */
async function recordOrphan(
  delivery: DeliveryRecord,
  options: ProcessDueOptions,
  resolved: ReturnType<typeof resolveDeliverOptions>,
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
    { now: resolved.now(), random: resolved.random },
  );
  try {
    await options.store.putDelivery(next, {
      subjectVersion: delivery.subjectVersion,
      attempts: delivery.attempts,
    });
    countStatus(summary, next.destination, next.status);
    countRecordedDelivery(resolved.metrics, next);
    logGivenUp(resolved.logger, [next]);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    summary.conflicts++;
  }
}
