import { mapWithConcurrency } from '../concurrency';
import { type CloseInput, type CloseRecord, closeWriteChanged, type DealPointer } from '../domain';
import { METRIC_NAMES, type MetricsRecorder } from '../observability/metrics';
import { type RecordCloseOptions, type RecordCloseResult, recordClose } from '../pipeline/record-close';
import type { Store } from '../store/store';

/**
 * The steps every close intake shares (HubSpot, Salesforce, a pushed `lead_closed`): record each close,
 * then remember the webhook receipts; the handler then hands the new versions to the output side
 * (lib/pipeline/inline-dispatch.ts).
 * The order is the durability contract: a receipt is written only once its close is, so a crash between
 * the two makes the CRM's retry redo the work instead of skipping it.
 */

/** HubSpot retries for about a day, workflows for three, Salesforce for a day: 30 days covers them all. */
export const RECEIPT_TTL_DAYS = 30;

export function receiptExpiresAt(now: number): number {
  return Math.floor(now / 1000) + RECEIPT_TTL_DAYS * 86_400;
}

// DynamoDB handles this easily; it keeps a 100-event batch well inside HubSpot's 5-second answer window.
const WRITE_CONCURRENCY = 10;

export async function recordCloses(
  store: Store,
  closes: readonly CloseInput[],
  now: () => number,
  options: RecordCloseOptions & { metrics?: MetricsRecorder | undefined } = {},
): Promise<RecordCloseResult[]> {
  // Picked by name: callers pass their whole deps object here.
  const recording: RecordCloseOptions = {
    ...(options.read ? { read: options.read } : {}),
    ...(options.pointers ? { pointers: options.pointers } : {}),
    ...(options.claimUntil === undefined ? {} : { claimUntil: options.claimUntil }),
  };
  const results = await mapWithConcurrency(closes, WRITE_CONCURRENCY, (close) =>
    recordClose(store, close, now(), recording),
  );
  // A new close or a new version of one; a repeat or an older report records nothing and counts nothing.
  for (const result of results) {
    if (result.close && closeWriteChanged(result.action)) {
      options.metrics?.count(METRIC_NAMES.closesRecorded, { crm: result.close.crm });
    }
  }
  return results;
}

export async function putReceipts(
  store: Store,
  source: string,
  receiptIds: readonly string[],
  now: number,
): Promise<void> {
  const expiresAt = receiptExpiresAt(now);
  await mapWithConcurrency([...new Set(receiptIds)], WRITE_CONCURRENCY, (id) =>
    store.putReceipt(source, id, expiresAt),
  );
}

/** Close keys whose record changed: those are the ones the destinations have something new to do for. */
export function changedCloseKeys(results: readonly RecordCloseResult[]): string[] {
  return [
    ...new Set(
      results.filter((result) => closeWriteChanged(result.action)).map((result) => result.subjectKey),
    ),
  ];
}

/** The closes whose record changed, as written: what the destinations have something new to do for. */
export function changedCloses(results: readonly RecordCloseResult[]): Map<string, CloseRecord> {
  const changed = new Map<string, CloseRecord>();
  for (const result of results) {
    if (result.close && closeWriteChanged(result.action)) changed.set(result.subjectKey, result.close);
  }
  return changed;
}

/** Deal ID → the close its pointer names (a pointer of a merged-away ID may name none). */
export function pointerCloseKeys(pointers: ReadonlyMap<string, DealPointer>): Map<string, string> {
  return new Map(
    [...pointers].flatMap(([dealId, pointer]) =>
      pointer.subjectKey === undefined ? [] : [[dealId, pointer.subjectKey] as const],
    ),
  );
}

export type IntakeLogger = {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
};
