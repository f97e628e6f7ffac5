import type { CloseOutcome } from './close';

export const DELIVERY_STATES = [
  'pending',
  'retry',
  'waiting_for_lead',
  'delivered',
  'accepted',
  'processed',
  'partial_success',
  'skipped',
  'failed',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
/**
 * `delivered` (the platform's answer is final), `accepted` (taken, awaiting the platform's processing
 * result: Google Data Manager), `processed` (the platform processed it), `partial_success` (processed in a
 * request some of whose events the platform dropped, which ones it does not say), `pending`, `retry`,
 * `waiting_for_lead`, `skipped:<reason>` or `failed:<reason>` (docs/statuses.md).
 */
export type DeliveryStatus =
  | 'pending'
  | 'retry'
  | 'waiting_for_lead'
  | 'delivered'
  | 'accepted'
  | 'processed'
  | 'partial_success'
  | `skipped:${string}`
  | `failed:${string}`;

/** One destination's fate for one close (or order: `subjectKey` is then the order's subject key). */
export type DeliveryRecord = {
  subjectKey: string;
  destination: string;
  status: DeliveryStatus;
  /** The close version this delivery is working on. */
  subjectVersion: number;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  /** When the next attempt is due (ms); present while the delivery is pending, retrying or waiting. */
  nextAttemptAt?: number;
  lastError?: string;
  lastErrorCode?: string;
  /** The platform's request, trace or job id of the accepted upload. */
  platformResponseId?: string;
  /** The platform's processing result of the request that carried the upload (Google Data Manager). */
  processing?: ProcessingResult;
  /**
   * While `accepted`: the processing check of a request that carried this delivery alone (the webhook's
   * case), kept on the delivery so that one write records both; a larger request has its own check item.
   */
  processingCheck?: EmbeddedProcessingCheck;
  /** The last attempts and results, newest last, at most ATTEMPT_HISTORY_SIZE (`npm run status -- --subject`). */
  history?: AttemptEntry[];
  /** The platform itself refused or dropped the conversion (as opposed to not sent by the connector). */
  rejectedByPlatform?: boolean;
  /** What the request that carried this delivery reported receiving (Meta `events_received` of those sent). */
  platformReceipt?: PlatformReceipt;
  /** What the platform last accepted, so a re-valued or re-opened deal becomes an adjustment. */
  delivered?: {
    version: number;
    /** The close's outcome; `purchased` for an order; `reached` for a funnel stage. */
    outcome: CloseOutcome | 'purchased' | 'reached';
    value: number;
    currency: string;
    at: number;
    /** The conversion's own time as the platform has it (adjustment windows count from here). */
    conversionAt?: number;
    /** The platform's conversion was retracted (Google Ads API adjustment); it cannot be restated. */
    retracted?: boolean;
  };
  /** The exact payload built for the platform (recorded in dry-run, and on the last attempt). */
  payload?: unknown;
  /**
   * While the delivery is retrying: when this run of retries began and how many attempts came before it,
   * so that the give-up rule (attempts or age) counts this run only — a failed delivery revived by a
   * manual `retryNow` gets a fresh budget.
   */
  retrying?: { since: number; fromAttempt: number };
};

/** A processing check kept on the one delivery its request carried (see `DeliveryRecord.processingCheck`). */
export type EmbeddedProcessingCheck = {
  /** When the status call is due (ms). */
  checkAt: number;
  /** Status calls made so far. */
  checks: number;
  /** The last non-final answer. */
  lastAnswer?: string;
};

/** A request's own count of what it took, kept on every delivery it carried. */
export type PlatformReceipt = { eventsReceived: number; eventsSent: number };

export function deliveryState(status: DeliveryStatus): DeliveryState {
  return status.split(':', 1)[0] as DeliveryState;
}

/** A delivery still to be attempted: it waits for its time (pending, retrying) or for its lead. */
export function isAwaitingAttempt(status: DeliveryStatus): boolean {
  return status === 'pending' || status === 'retry' || status === 'waiting_for_lead';
}

/** A delivery awaiting an attempt whose time has come by `dueBy` (ms); one with no time set is due at once. */
export function isDeliveryDue(delivery: DeliveryRecord, dueBy: number): boolean {
  return isAwaitingAttempt(delivery.status) && (delivery.nextAttemptAt ?? 0) <= dueBy;
}

/** The reason of a `failed:<reason>` status, or undefined for any other status. */
export function failureReason(status: DeliveryStatus): string | undefined {
  return status.startsWith('failed:') ? status.slice('failed:'.length) : undefined;
}

/** Events of one platform request that failed for one reason (Data Manager's ErrorCount). */
export type ReasonCount = { reason: string; count: number };

/** What the platform said when asked how it processed the request that carried this delivery. */
export type ProcessingResult = {
  requestId: string;
  /** The platform's own status word: `SUCCESS`, `FAILED`, `PARTIAL_SUCCESS`, `PROCESSING`. */
  status: string;
  checkedAt: number;
  /** Events the request carried. */
  events: number;
  errors: ReasonCount[];
  /** Said plainly: `1 of 3 in this request failed: CLICK_NOT_FOUND`. */
  summary?: string;
};

/**
 * One attempt (`upload`: the platform answered), result (`processing`: its processing check) or verdict
 * of the connector's own (`decision`: skipped or failed before sending), as the status report shows it.
 */
export type AttemptEntry = {
  at: number;
  kind: 'upload' | 'processing' | 'decision';
  status: DeliveryStatus;
  /** The platform's request, trace or job id. */
  responseId?: string;
  code?: string;
  message?: string;
};

export const ATTEMPT_HISTORY_SIZE = 6;

/** The history with `entry` appended, the oldest dropped beyond ATTEMPT_HISTORY_SIZE. */
export function withAttempt(
  history: readonly AttemptEntry[] | undefined,
  entry: AttemptEntry,
): AttemptEntry[] {
  return [...(history ?? []), entry].slice(-ATTEMPT_HISTORY_SIZE);
}

/** Uploaded and taken by the platform, its processing result not known yet. */
export function isAwaitingProcessing(status: DeliveryStatus): boolean {
  return status === 'accepted';
}

/**
 * The groups a delivery is listed under (lib/store: one partition of the due index each): `waiting` holds
 * pending, retrying and waiting-for-lead deliveries (the due work), the others are the state itself.
 */
export const DELIVERY_LISTINGS = [
  'waiting',
  'accepted',
  'processed',
  'partial_success',
  'delivered',
  'skipped',
  'failed',
] as const;
export type DeliveryListing = (typeof DELIVERY_LISTINGS)[number];

export function deliveryListing(status: DeliveryStatus): DeliveryListing {
  return isAwaitingAttempt(status) ? 'waiting' : (deliveryState(status) as DeliveryListing);
}
