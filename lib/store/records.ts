import type { ClickIds } from '../leads/click-ids';
import type { HashedIdentity } from '../leads/identity';

/** Consent as captured; Google's two Consent Mode signals default to the marketing choice. */
export type ConsentRecord = {
  analytics: boolean;
  personalization: boolean;
  marketing: boolean;
  adUserData: boolean;
  adPersonalization: boolean;
  id?: string;
};

/** A captured lead: click IDs, hashed identity, consent; never a plaintext email, phone, name or street. */
export type LeadRecord = {
  leadId: string;
  source: 'reshape' | 'croct';
  /** First capture (ms): the click happened then, so conversion windows count from here. */
  capturedAt: number;
  /** Last time a capture event for this lead was stored (ms). */
  updatedAt: number;
  revision: number;
  pageUrl?: string;
  clickIds: ClickIds;
  identity: HashedIdentity;
  userId?: string;
  consent?: ConsentRecord;
  ipAddress?: string;
  userAgent?: string;
  value?: number;
  currency?: string;
};

export type CrmName = 'hubspot' | 'salesforce' | 'api';
export type CloseOutcome = 'won' | 'lost' | 'reopened';

/** What a CRM webhook, a CRM poll or a pushed `lead_closed` says about a deal's terminal stage. */
export type CloseInput = {
  leadId?: string;
  crm: CrmName;
  dealId?: string;
  outcome: CloseOutcome;
  /** Deal amount when won, 0 when lost (the seed's rule). */
  value: number;
  currency: string;
  /** When the deal closed in the CRM (ms): the conversion time, never the time of upload. */
  closedAt: number;
  /** The CRM's own change time (ms); an older change never overwrites a newer one. */
  sourceUpdatedAt: number;
  stage?: string;
  pipeline?: string;
  closureReason?: string;
  closureDetail?: string;
  salesCycleDays?: number;
  dealType?: string;
  dealCreatedAt?: number;
  /** Identifiers of the CRM's contact, hashed on intake: the fallback when the lead is unknown. */
  contactIdentity?: HashedIdentity;
  userId?: string;
  consent?: ConsentRecord;
};

/** A recorded close: the input plus its key and version history. */
export type CloseRecord = CloseInput & {
  closeKey: string;
  version: number;
  /** Outcome, value and currency: a change in any is a new version the destinations must adjust to. */
  fingerprint: string;
  previous?: { version: number; outcome: CloseOutcome; value: number; currency: string };
  recordedAt: number;
  updatedAt: number;
  /** Deliveries for this version not yet planned: the close sits in the due index until they are. */
  planned: boolean;
};

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

/** One destination's fate for one close. */
export type DeliveryRecord = {
  closeKey: string;
  destination: string;
  status: DeliveryStatus;
  /** The close version this delivery is working on. */
  closeVersion: number;
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
    outcome: CloseOutcome;
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

export type Checkpoint = { source: string; until: number; updatedAt: number; cursor?: string };
