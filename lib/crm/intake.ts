import { mapWithConcurrency } from '../concurrency';
import { type CloseInput, closeWriteChanged } from '../domain';
import { METRIC_NAMES, type MetricsRecorder } from '../observability/metrics';
import { dispatchSubjects } from '../pipeline/dispatch';
import type { PipelineOptions } from '../pipeline/options';
import { type RecordCloseResult, recordClose } from '../pipeline/record-close';
import type { Store } from '../store/store';

/**
 * The steps every close intake shares (HubSpot, Salesforce, a pushed `lead_closed`): record each close,
 * then remember the webhook receipts, then hand the new versions to the output side within a deadline.
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
  options: { metrics?: MetricsRecorder | undefined } = {},
): Promise<RecordCloseResult[]> {
  const results = await mapWithConcurrency(closes, WRITE_CONCURRENCY, (close) =>
    recordClose(store, close, now()),
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

/**
 * The inline dispatch's deadline: the configured budget, cut short so that the answer still goes out
 * before the caller's timeout (`answerBy`) and before Lambda's own (`remainingMs` less a margin).
 */
export function inlineDispatchDeadline(options: {
  now: number;
  budgetMs: number;
  remainingMs: number;
  answerBy?: number;
  safetyMarginMs?: number;
}): number {
  const lambdaDeadline = options.now + options.remainingMs - (options.safetyMarginMs ?? 1000);
  return Math.min(
    options.now + options.budgetMs,
    lambdaDeadline,
    options.answerBy ?? Number.POSITIVE_INFINITY,
  );
}

export type IntakeLogger = {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
};

/**
 * Hands recorded closes to the output side. The closes are already durable and sit in the due index, so a
 * dispatch that fails or runs out of time is finished by the backfill; it must not fail the webhook.
 */
export async function dispatchInline(
  closeKeys: readonly string[],
  options: PipelineOptions & { logger: IntakeLogger },
): Promise<void> {
  if (closeKeys.length === 0) return;
  if (options.deadline <= options.now()) {
    options.logger.info('inline dispatch skipped: no time left; the backfill will deliver', {
      closes: closeKeys.length,
    });
    return;
  }
  try {
    await dispatchSubjects(closeKeys, options);
  } catch (error) {
    options.logger.warn('inline dispatch failed; the backfill will retry', {
      closes: closeKeys.length,
      error: { name: (error as Error).name, message: (error as Error).message },
    });
  }
}
