import * as v from 'valibot';
import {
  type ConversionSubject,
  DELIVERY_LISTINGS,
  type DeliveryListing,
  type DeliveryRecord,
  deliveryListing,
} from '../../lib/domain';
import { DELIVERY_PARTITIONS, type DeliveryPartition, LISTING_PARTITIONS } from '../../lib/store/deliveries';
import type { Store } from '../../lib/store/store';
import { DUE_INDEX } from '../../lib/store/table';
import type { PageCursor } from '../../lib/store/table-access';

/**
 * The dashboard's list of subjects, one row per delivery, newest first, through the due index's partitions
 * (lib/store/deliveries.ts queryDeliveryListing) and never a Scan: a status filter reads its partition(s);
 * no status filter merges every partition by its sort key (the next attempt for waiting deliveries, the
 * check's time for accepted ones whose processing check rides on them, the last change for the others), and
 * a date range is a range of that time, on the index. Filters the index does not key on (destination,
 * reason, CRM) are applied to what is read, and one page view reads at most `budget` deliveries: a page may
 * then come back short, with a cursor to go on from.
 */
export type DeliveryFilter = {
  destination?: string;
  listing?: DeliveryListing;
  /** The reason of a `skipped:<reason>` or `failed:<reason>` status. */
  reason?: string;
  crm?: string;
  /**
   * The time each row is listed by, ms, inclusive: its last change — or, for a waiting delivery, its next
   * attempt, and for one whose processing check rides on it, the check's time (the index's own order).
   */
  from?: number;
  to?: number;
};

export type ListedDelivery = { delivery: DeliveryRecord; subject?: ConversionSubject };
export type DeliveryListPage = {
  rows: ListedDelivery[];
  /** Where the next page starts (opaque, URL-safe); absent on the last page. */
  next?: string;
  /** Deliveries read to make this page. */
  read: number;
};

type ListingStore = Pick<Store, 'queryDeliveryListing' | 'getSubjects'>;
type Entry = Awaited<ReturnType<Store['queryDeliveryListing']>>['entries'][number];
type Stream = {
  partition: DeliveryPartition;
  /** Where this stream resumes on the next page: just after its last consumed delivery. */
  resume: PageCursor | undefined;
  buffer: Entry[];
  /** The store's cursor after the buffer; undefined once the partition is read to its end. */
  fetchFrom: PageCursor | undefined;
  started: boolean;
};

const FETCH_SIZE = 100;
const DEFAULT_BUDGET = 2000;

/** The cursor's shape: per partition read, where it resumes (`null`: read to its end). */
const CursorSchema = v.record(
  v.picklist(DELIVERY_PARTITIONS),
  v.nullable(v.record(v.string(), v.union([v.string(), v.number()]))),
);

export class CursorError extends Error {}

function decodeCursor(cursor: string): Partial<Record<DeliveryPartition, PageCursor | null>> {
  try {
    const parsed = v.safeParse(CursorSchema, JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.output;
  } catch {
    // reported below
  }
  throw new CursorError('cursor: not a cursor this dashboard made; start from the first page');
}

function encodeCursor(streams: readonly Stream[]): string | undefined {
  const state: Record<string, PageCursor | null> = {};
  let more = false;
  for (const stream of streams) {
    const done = stream.buffer.length === 0 && stream.fetchFrom === undefined && stream.started;
    const resume = stream.buffer.length === 0 && !done ? stream.fetchFrom : stream.resume;
    state[stream.partition] = done ? null : (resume ?? {});
    if (!done) more = true;
  }
  return more ? Buffer.from(JSON.stringify(state)).toString('base64url') : undefined;
}

function reasonOf(status: string): string | undefined {
  const at = status.indexOf(':');
  return at < 0 ? undefined : status.slice(at + 1);
}

/** The filters the index cannot apply, except the CRM (it needs the subject). */
function passes(delivery: DeliveryRecord, filter: DeliveryFilter): boolean {
  if (filter.destination && delivery.destination !== filter.destination) return false;
  if (filter.reason && reasonOf(delivery.status) !== filter.reason) return false;
  return deliveryListing(delivery.status) === filter.listing || filter.listing === undefined;
}

const sortValue = (entry: Entry) => Number(entry.position[DUE_INDEX.sort] ?? 0);

export async function listDeliveries(
  store: ListingStore,
  filter: DeliveryFilter,
  options: { limit: number; cursor?: string | undefined; budget?: number },
): Promise<DeliveryListPage> {
  const saved = options.cursor ? decodeCursor(options.cursor) : undefined;
  // A reason belongs to skipped and failed deliveries only.
  const listings = filter.listing
    ? [filter.listing]
    : filter.reason
      ? (['skipped', 'failed'] as const)
      : DELIVERY_LISTINGS;
  const streams: Stream[] = listings
    .flatMap((listing): readonly DeliveryPartition[] => LISTING_PARTITIONS[listing])
    .filter((partition) => !saved || saved[partition] !== null)
    .map((partition) => {
      const from = saved?.[partition];
      const resume = from && Object.keys(from).length > 0 ? from : undefined;
      return { partition, resume, buffer: [], fetchFrom: resume, started: false };
    });
  const fill = async (stream: Stream) => {
    if (stream.buffer.length > 0 || (stream.started && stream.fetchFrom === undefined)) return;
    const page = await store.queryDeliveryListing(stream.partition, {
      limit: FETCH_SIZE,
      cursor: stream.fetchFrom,
      ...(filter.from !== undefined ? { from: filter.from } : {}),
      ...(filter.to !== undefined ? { to: filter.to } : {}),
    });
    stream.started = true;
    stream.buffer = page.entries;
    stream.fetchFrom = page.cursor;
    // A page of due subjects or processing-check items only (no delivery among them): read on.
    if (stream.buffer.length === 0 && stream.fetchFrom !== undefined) await fill(stream);
  };

  const budget = options.budget ?? DEFAULT_BUDGET;
  const subjects = new Map<string, ConversionSubject>();
  const rows: ListedDelivery[] = [];
  let read = 0;
  while (rows.length < options.limit && read < budget) {
    // Candidates for the rows still wanted, newest first across the partitions.
    const candidates: DeliveryRecord[] = [];
    while (candidates.length < options.limit - rows.length && read < budget) {
      await Promise.all(streams.map(fill));
      let newest: Stream | undefined;
      for (const stream of streams) {
        const head = stream.buffer[0];
        if (head && (!newest || sortValue(head) > sortValue(newest.buffer[0] as Entry))) newest = stream;
      }
      const entry = newest?.buffer.shift();
      if (!newest || !entry) break;
      newest.resume = entry.position;
      read++;
      if (passes(entry.delivery, filter)) candidates.push(entry.delivery);
    }
    if (candidates.length === 0) break;
    const missing = candidates.map((delivery) => delivery.subjectKey).filter((key) => !subjects.has(key));
    if (missing.length > 0)
      for (const [key, subject] of await store.getSubjects(missing)) subjects.set(key, subject);
    for (const delivery of candidates) {
      const subject = subjects.get(delivery.subjectKey);
      if (filter.crm && (!subject || !('crm' in subject) || subject.crm !== filter.crm)) continue;
      rows.push(subject ? { delivery, subject } : { delivery });
    }
  }
  const next = encodeCursor(streams);
  return { rows, read, ...(next ? { next } : {}) };
}
