import type { ProcessingVerdict } from '../destinations/types';
import { type DeliveryRecord, type ProcessingResult, withAttempt } from '../domain';
import { MAX_ATTEMPTS, retryBudget, retryDelayMs } from './delivery-outcome';

/**
 * A delivery after its request's processing result (pure): `processed`, `partial_success` (the request
 * partly failed and Google does not say which events), `failed:<REASON>` (Google dropped it), or `retry`
 * (a transient reason: uploaded again, the same transaction ID making it an update). A transient reason
 * that persists ends failed after MAX_ATTEMPTS uploads like any retry.
 */
export function deliveryAfterProcessing(
  delivery: DeliveryRecord,
  verdict: ProcessingVerdict,
  options: { now: number; random: () => number; requestId: string; events: number },
): DeliveryRecord {
  const processing: ProcessingResult = {
    requestId: options.requestId,
    status: verdict.status,
    checkedAt: options.now,
    events: options.events,
    errors: verdict.errors,
    ...(verdict.summary ? { summary: verdict.summary } : {}),
  };
  const base: DeliveryRecord = {
    ...delivery,
    updatedAt: options.now,
    processing,
    nextAttemptAt: undefined,
    lastError: undefined,
    lastErrorCode: undefined,
    retrying: undefined,
    rejectedByPlatform: undefined,
  };
  const next = ((): DeliveryRecord => {
    const reason = verdict.reason ?? 'UNSPECIFIED';
    const message = verdict.summary ?? reason;
    const budget = retryBudget(delivery, options.now);
    const exhausted = delivery.attempts - budget.fromAttempt >= MAX_ATTEMPTS;
    switch (verdict.outcome) {
      case 'processed':
        return { ...base, status: 'processed', ...(verdict.summary ? { lastError: verdict.summary } : {}) };
      case 'partial_success':
        return { ...base, status: 'partial_success', lastError: message };
      case 'retry':
        if (!exhausted) {
          const used = delivery.attempts - budget.fromAttempt;
          return {
            ...base,
            status: 'retry',
            delivered: undefined,
            nextAttemptAt: options.now + retryDelayMs(used, verdict.retryAfterMs, options.random),
            lastError: message,
            lastErrorCode: reason,
            retrying: budget,
          };
        }
        return {
          ...base,
          status: `failed:${reason}`,
          delivered: undefined,
          lastError: message,
          lastErrorCode: reason,
          rejectedByPlatform: true,
        };
      case 'failed':
        // Google dropped it: it holds nothing a later change could adjust.
        return {
          ...base,
          status: `failed:${reason}`,
          delivered: undefined,
          lastError: message,
          lastErrorCode: reason,
          rejectedByPlatform: true,
        };
    }
  })();
  return {
    ...next,
    history: withAttempt(delivery.history, {
      at: options.now,
      kind: 'processing',
      status: next.status,
      responseId: options.requestId,
      ...(next.lastErrorCode ? { code: next.lastErrorCode } : {}),
      message: verdict.summary ?? verdict.status,
    }),
  };
}
