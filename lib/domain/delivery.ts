import type { CloseOutcome } from './close';

export const DELIVERY_STATES = [
  'pending',
  'retry',
  'waiting_for_lead',
  'delivered',
  'skipped',
  'failed',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
/** `delivered`, `pending`, `retry`, `waiting_for_lead`, `skipped:<reason>` or `failed:<reason>`. */
export type DeliveryStatus =
  | 'pending'
  | 'retry'
  | 'waiting_for_lead'
  | 'delivered'
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
  /** What the platform last accepted, so a re-valued or re-opened deal becomes an adjustment. */
  delivered?: {
    version: number;
    /** The close's outcome; `purchased` for an order. */
    outcome: CloseOutcome | 'purchased';
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
