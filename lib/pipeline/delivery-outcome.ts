import type { DeliveredState, RowOutcome } from '../destinations/types';
import {
  type AttemptEntry,
  type ConversionSubject,
  type DeliveryRecord,
  failureReason,
  isCloseSubject,
  isWithdrawn,
  withAttempt,
} from '../domain';

/**
 * Pure rules for a delivery's next state: the retry schedule, the lead wait, and how an outcome is
 * recorded. Every write that records an attempt (sent, skipped, failed, retried) counts it in
 * `attempts`, so two processors racing on one delivery conflict on the conditional write and only one
 * record wins; a re-scheduled wait for the lead counts nothing (a sender that races it must win).
 */

/** First retry after about a minute, doubling, never more than 6 hours apart (platform throttles lift by then). */
export const RETRY_BASE_MS = 60_000;
export const RETRY_CAP_MS = 6 * 3_600_000;
/** After this many attempts a delivery gives up (10 to 20 hours of back-off, by the jitter) and says why. */
export const MAX_ATTEMPTS = 12;
/**
 * …or once it has been retrying this long, whatever the count: long `Retry-After`s (Google's 6-hour
 * TOO_RECENT_*, throttling) would otherwise stretch twelve attempts over many days, past Meta's 7-day
 * window and far from when the deal closed.
 */
export const RETRY_GIVE_UP_MS = 72 * 3_600_000;
/** A delivery waiting for its lead is looked at again this often, in case the lead's trigger was lost. */
export const LEAD_RECHECK_MS = 3_600_000;

/**
 * Exponential back-off with jitter ("equal jitter": half fixed, half random, so retries of one failed
 * batch spread out but never come back sooner than half the step), never sooner than the platform's
 * Retry-After.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  const step = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(step / 2 + (step / 2) * random());
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** When the wait for a close's lead ends: counted from when the connector recorded the close. */
export function leadWaitEndsAt(subject: ConversionSubject, leadWaitMs: number): number {
  return subject.recordedAt + leadWaitMs;
}

/**
 * A close without a lead ID can never be joined to a lead: it goes out with the contact's identifiers.
 * An order has no lead ID: it never waits. A close the CRM took back (re-opened, deleted) sends nothing the
 * lead could add to: its deliveries are decided at once (cancelled, or retracted).
 */
export function shouldWaitForLead(
  subject: ConversionSubject,
  leadFound: boolean,
  now: number,
  leadWaitMs: number,
): boolean {
  if (isCloseSubject(subject) && isWithdrawn(subject.outcome)) return false;
  return !leadFound && Boolean(subject.leadId) && now < leadWaitEndsAt(subject, leadWaitMs);
}

export function waitingDelivery(
  delivery: DeliveryRecord,
  subject: ConversionSubject,
  options: { now: number; leadWaitMs: number },
): DeliveryRecord {
  const waitEnd = leadWaitEndsAt(subject, options.leadWaitMs);
  return {
    ...delivery,
    status: 'waiting_for_lead',
    nextAttemptAt: Math.min(waitEnd, options.now + LEAD_RECHECK_MS),
    updatedAt: options.now,
    lastError: undefined,
    lastErrorCode: undefined,
    retrying: undefined,
  };
}

/**
 * The current run of retries: carried on while the delivery retries; a new one starts otherwise. A
 * delivery revived from `failed:*` counts its attempts afresh; one retrying from before this field
 * existed counts from its first attempt, as it always did.
 */
export function retryBudget(delivery: DeliveryRecord, now: number): { since: number; fromAttempt: number } {
  if (delivery.status === 'retry') return delivery.retrying ?? { since: now, fromAttempt: 0 };
  return { since: now, fromAttempt: failureReason(delivery.status) !== undefined ? delivery.attempts : 0 };
}

/**
 * The delivery after one attempt with this outcome. `accepted` is what a delivered row told the platform;
 * `sent` says the outcome is the platform's answer (not the connector's own verdict before sending).
 */
export function deliveryAfterOutcome(
  delivery: DeliveryRecord,
  outcome: RowOutcome,
  options: {
    now: number;
    random: () => number;
    payload?: unknown;
    accepted?: DeliveredState;
    sent?: boolean;
  },
): DeliveryRecord {
  const next = nextAfterOutcome(delivery, outcome, options);
  const entry: AttemptEntry = {
    at: options.now,
    kind: options.sent ? 'upload' : 'decision',
    status: next.status,
    ...(outcome.kind === 'delivered' || outcome.kind === 'accepted'
      ? outcome.responseId
        ? { responseId: outcome.responseId }
        : {}
      : {}),
    ...(next.lastErrorCode ? { code: next.lastErrorCode } : {}),
    ...(next.lastError ? { message: next.lastError } : {}),
  };
  return {
    ...next,
    history: withAttempt(delivery.history, entry),
    // A new attempt's answer replaces the last one's processing result and verdict.
    processing: undefined,
    rejectedByPlatform:
      options.sent && outcome.kind === 'failed' && !outcome.configuration ? true : undefined,
  };
}

function nextAfterOutcome(
  delivery: DeliveryRecord,
  outcome: RowOutcome,
  options: { now: number; random: () => number; payload?: unknown; accepted?: DeliveredState },
): DeliveryRecord {
  const attempts = delivery.attempts + 1;
  const base: DeliveryRecord = {
    ...delivery,
    attempts,
    updatedAt: options.now,
    nextAttemptAt: undefined,
    lastError: undefined,
    lastErrorCode: undefined,
    retrying: undefined,
    ...(options.payload !== undefined ? { payload: options.payload } : {}),
  };
  switch (outcome.kind) {
    case 'accepted':
      // Taken, not yet counted: the platform's processing check (lib/pipeline/check-processing.ts) decides.
      return {
        ...base,
        status: 'accepted',
        platformResponseId: outcome.responseId,
        ...(options.accepted ? { delivered: options.accepted } : {}),
      };
    case 'delivered':
      return {
        ...base,
        status: 'delivered',
        platformResponseId: outcome.responseId,
        ...(outcome.receipt ? { platformReceipt: outcome.receipt } : {}),
        ...(options.accepted ? { delivered: options.accepted } : {}),
      };
    case 'skipped':
      // The reason's explanation is kept (lastError) so that a status report can say why.
      return {
        ...base,
        status: `skipped:${outcome.reason}`,
        ...(outcome.message ? { lastError: outcome.message, lastErrorCode: outcome.reason } : {}),
      };
    case 'failed':
      return {
        ...base,
        status: `failed:${outcome.reason}`,
        lastError: outcome.message,
        lastErrorCode: outcome.code,
      };
    case 'retry': {
      const budget = retryBudget(delivery, options.now);
      const used = attempts - budget.fromAttempt;
      const retryingFor = options.now - budget.since;
      if (used >= MAX_ATTEMPTS || retryingFor >= RETRY_GIVE_UP_MS) {
        const why =
          used >= MAX_ATTEMPTS
            ? `${used} attempts`
            : `${Math.round(retryingFor / 3_600_000)} h of retries (${used} attempts)`;
        return {
          ...base,
          status: 'failed:retries_exhausted',
          lastError: `gave up after ${why}; last: ${outcome.message}`,
          lastErrorCode: outcome.code,
        };
      }
      return {
        ...base,
        status: 'retry',
        nextAttemptAt: options.now + retryDelayMs(used, outcome.retryAfterMs, options.random),
        lastError: outcome.message,
        lastErrorCode: outcome.code,
        retrying: budget,
      };
    }
  }
}
