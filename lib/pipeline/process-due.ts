import { type ConversionSubject, type DeliveryRecord, isClaimed, isDeliveryDue } from '../domain';
import { type DueCursor, type DuePage, deliveryRefKey } from '../store/deliveries';
import type { PipelineContext } from './context';
import { type DeliverySummary, emptySummary, mergeSummaries } from './delivery-summary';
import { runRound } from './round';

/**
 * The backfill's worker: reads the due index (never the table), and processes what is due in rounds of
 * up to `limit` items, so that each destination gets full platform batches (5,000 due Google deliveries
 * are 3 Data Manager requests; 5,000 Meta ones, 5 requests). Per delivery that is one conditional write,
 * plus its share of one Query page and two BatchGetItem calls (subjects and leads, 100 keys each).
 *
 * `retryNow` takes every pending, retrying or waiting delivery at once, ignoring back-off (a waiting one
 * still waits while its lead may come, unless the wait is over), then every failed one (read from its
 * own partition of the index, so still no Scan), each with a fresh retry budget. It stops reading new work when less
 * than `reserveMs` is left before the deadline, so that the last round's uploads and writes still fit.
 */
export type DueWorkRun = {
  /** Epoch ms by which platform requests must have finished (the final writes follow). */
  deadline: number;
  /** Due items per round (default 10,000: five full Meta batches, five Data Manager ones). */
  limit?: number;
  /**
   * Everything in the due index whatever its time, then every failed delivery (their own partition of
   * the index), each once: a manual "retry now" after an outage or a configuration fix.
   */
  retryNow?: boolean;
  /**
   * Subjects the caller recorded itself (the backfill's CRM polling): processed at once, where a fresh
   * subject recorded by someone else is left to that caller's inline dispatch (FRESH_SUBJECT_GRACE_MS).
   */
  ownedSubjectKeys?: ReadonlySet<string>;
  /** Called after each round with the summary so far (progress of a long manual run). */
  onRound?: (summary: Readonly<ProcessDueSummary>) => void;
  /** Items per Query page (DynamoDB also stops a page at 1 MB). */
  pageSize?: number;
  /** Time kept free before the deadline when deciding to start another round. */
  reserveMs?: number;
};

/**
 * A subject recorded this recently is being dispatched by the call that recorded it (a webhook, collect;
 * its inline budget is seconds): the backfill leaves it alone, rather than upload it a second time in
 * parallel. If that call died, the next run takes the subject over.
 */
export const FRESH_SUBJECT_GRACE_MS = 60_000;

export type ProcessDueSummary = DeliverySummary & {
  /** Due items read from the index. */
  read: number;
  /** Unplanned subjects planned in this run (closes and orders; the name is the backfill output's). */
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

export async function processDueWork(context: PipelineContext, run: DueWorkRun): Promise<ProcessDueSummary> {
  const limit = Math.max(1, run.limit ?? DEFAULT_LIMIT);
  const pageSize = Math.max(1, run.pageSize ?? DEFAULT_PAGE_SIZE);
  const reserveMs = run.reserveMs ?? DEFAULT_RESERVE_MS;
  const summary: ProcessDueSummary = {
    ...emptySummary(),
    read: 0,
    closesPlanned: 0,
    failedRetried: 0,
    rounds: 0,
    more: false,
  };
  if (context.destinations.length === 0) return summary;

  // retryNow: everything in the index, whatever its time; items rewritten during the run are seen once.
  const startedAt = context.now();
  const dueBy = run.retryNow ? Number.MAX_SAFE_INTEGER : startedAt;
  const seen = new Set<string>();
  let cursor: DueCursor | undefined;
  // Due deliveries read in one round and left to the next, so that requests are full (trimToFullBatches).
  let carried: DeliveryRecord[] = [];
  // The due partition first; with retryNow, the failed partition after it.
  let reading: 'due' | 'failed' | 'done' = 'due';
  const readPage = async (room: number): Promise<DuePage> => {
    if (reading === 'due') {
      return context.store.queryDue({ now: dueBy, limit: room, ...(cursor ? { cursor } : {}) });
    }
    const page = await context.store.queryFailed({ limit: room, ...(cursor ? { cursor } : {}) });
    return {
      items: page.deliveries.map((delivery) => ({ type: 'delivery' as const, delivery })),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  };
  while (reading !== 'done') {
    if (run.deadline - context.now() < reserveMs) {
      summary.more = true;
      break;
    }
    const subjectItems: ConversionSubject[] = [];
    const deliveryItems: DeliveryRecord[] = carried;
    carried = [];
    while (subjectItems.length + deliveryItems.length < limit) {
      const fromFailed = reading === 'failed';
      const page = await readPage(Math.min(pageSize, limit - subjectItems.length - deliveryItems.length));
      for (const item of page.items) {
        const key =
          item.type === 'subject' ? `subject:${item.subject.subjectKey}` : deliveryRefKey(item.delivery);
        if (seen.has(key)) continue;
        seen.add(key);
        if (item.type === 'delivery') {
          deliveryItems.push(item.delivery);
          if (fromFailed) summary.failedRetried++;
        } else if (
          run.ownedSubjectKeys?.has(item.subject.subjectKey) ||
          // A retryNow run reads the whole index, claimed subjects too: their recorder still has them.
          (item.subject.updatedAt <= startedAt - FRESH_SUBJECT_GRACE_MS &&
            !isClaimed(item.subject, startedAt))
        ) {
          subjectItems.push(item.subject);
        }
      }
      summary.read += page.items.length;
      cursor = page.cursor;
      if (!cursor) {
        reading = reading === 'due' && run.retryNow ? 'failed' : 'done';
        if (reading === 'done') break;
      }
    }
    if (subjectItems.length + deliveryItems.length === 0) {
      if (reading === 'done') break;
      continue;
    }
    // While more is due, each destination gets only full requests; the rest waits for the next round.
    if (reading !== 'done') {
      const trimmed = trimToFullBatches(context, subjectItems.length, deliveryItems);
      carried = trimmed.carried;
      deliveryItems.splice(0, deliveryItems.length, ...trimmed.kept);
    }
    summary.rounds++;
    const round = await runRound(context, {
      subjectKeys: subjectItems.map((subject) => subject.subjectKey),
      known: new Map(subjectItems.map((subject) => [subject.subjectKey, subject])),
      dueDeliveries: deliveryItems,
      deadline: run.deadline,
      takeExisting: (job) => isDeliveryDue(job.delivery, dueBy),
    });
    summary.closesPlanned += round.marked;
    mergeSummaries(summary, round.summary);
    run.onRound?.(summary);
    if (round.summary.deferred > 0) {
      summary.more = true;
      break;
    }
  }
  context.logger.info('due work processed', {
    read: summary.read,
    rounds: summary.rounds,
    requests: summary.requests,
    deliveries: summary.deliveries,
    more: summary.more,
  });
  return summary;
}

/**
 * A round's due deliveries, less those that would only start a partial request: per destination, the
 * round's rows are its planned subjects' plus its due deliveries, and the remainder over its largest batch
 * waits for the next round — 100,000 due retries become the minimum of requests (50 of Meta's 1,000-event
 * batches and 25 of Data Manager's 2,000), not one partial request per round. A destination whose rows
 * are skipped (no consent, no identifier) sends a little less than counted here, never more.
 */
export function trimToFullBatches(
  context: Pick<PipelineContext, 'destinations'>,
  subjects: number,
  deliveries: readonly DeliveryRecord[],
): { kept: DeliveryRecord[]; carried: DeliveryRecord[] } {
  const byDestination = new Map<string, DeliveryRecord[]>();
  for (const delivery of deliveries) {
    const list = byDestination.get(delivery.destination) ?? [];
    list.push(delivery);
    byDestination.set(delivery.destination, list);
  }
  const carried = new Set<DeliveryRecord>();
  for (const destination of context.destinations) {
    const due = byDestination.get(destination.name) ?? [];
    // Every batch of a destination has the same bound today; the default batch stands for them.
    const size = Math.max(1, destination.maxBatchSize(''));
    const remainder = (subjects + due.length) % size;
    if (remainder === 0 || remainder > due.length) continue;
    for (const delivery of due.slice(due.length - remainder)) carried.add(delivery);
  }
  return {
    kept: deliveries.filter((delivery) => !carried.has(delivery)),
    carried: deliveries.filter((delivery) => carried.has(delivery)),
  };
}
