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
/** Each CRM's own name, as the platforms' lead-source fields show it. */
export const CRM_DISPLAY_NAMES: Record<CrmName, string> = {
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  api: 'API',
};
export type CloseOutcome = 'won' | 'lost' | 'reopened';

/** What a CRM webhook, a CRM poll or a pushed `lead_closed` says about a deal's terminal stage. */
export type CloseInput = {
  /**
   * The key the deal's close already has (from its deal pointer). A deal keeps its first key for life:
   * a lead ID added to the deal later updates that close rather than starting a second conversion.
   */
  closeKey?: string;
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

/**
 * One line of an order, as the destinations need it (the seed's Product Object, trimmed). Amounts are in
 * the order's currency (converted with the seed's `exchange_rate` when a product has its own currency).
 */
export type OrderLine = {
  id: string;
  name: string;
  /** Selling price of one unit, after the product's own discounts (seed `price`). */
  price: number;
  /** One unit before discounts (seed `price_base`). */
  basePrice: number;
  quantity: number;
  priceIncludesTax: boolean;
  taxPercent?: number;
  brand?: string;
  category?: string;
  variant?: string;
  /** Product-level coupon names. */
  coupons?: string[];
};

/**
 * A `checkout_completed` as stored (`ORDER#<orderId>`): written once, never versioned (a repeated
 * `event.id` is a duplicate, dropped). Like a lead it keeps click IDs, hashed identity and consent, never
 * a plaintext email, phone, name or street.
 */
export type OrderRecord = {
  kind: 'order';
  orderId: string;
  /**
   * The pipeline's subject key (`order:<orderId>`, lib/store/keys.ts): the `closeKey` of this order's
   * deliveries, under which the pipeline handles it like a close.
   */
  closeKey: string;
  /** An order joins no lead: it brings its own click IDs and identity. */
  leadId?: undefined;
  /** Always 1: an order is never re-versioned (deliveries are planned per subject version). */
  version: number;
  /** When the order was completed (ms): the conversion time. */
  occurredAt: number;
  value: number;
  currency: string;
  lines: OrderLine[];
  /** Total shipping charged, in the order's currency. */
  shipping: number;
  /** Tax contained in or added to the lines and shipping, derived from their `tax_percent`. */
  tax?: number;
  /** Order-level coupon names and the sum of their values. */
  coupons: string[];
  discount: number;
  pageUrl?: string;
  clickIds: ClickIds;
  identity: HashedIdentity;
  userId?: string;
  consent?: ConsentRecord;
  ipAddress?: string;
  userAgent?: string;
  recordedAt: number;
  updatedAt: number;
  /** Deliveries not yet planned: the order sits in the due index until they are. */
  planned: boolean;
};

/** What the delivery pipeline delivers: a CRM close or an order. */
export type ConversionSubject = CloseRecord | OrderRecord;

export function isOrderSubject(subject: ConversionSubject): subject is OrderRecord {
  return (subject as OrderRecord).kind === 'order';
}

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

/** One destination's fate for one close (or order: `closeKey` is then the order's subject key). */
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

export type Checkpoint = { source: string; until: number; updatedAt: number; cursor?: string };

/**
 * A CRM deal change accepted by a webhook but not yet read from the CRM's API (see keys.ts DEFERRED_SHARD):
 * only the deal ID and what the events said changed (stage, amount, currency, close date, lead ID property
 * — never a contact property), merged across webhooks, so the backfill can read the deal and record it
 * exactly as the webhook would have.
 */
export type DeferredDealRecord = {
  crm: CrmName;
  dealId: string;
  /** Latest change time among the merged events (epoch ms). */
  latestAt: number;
  /** Each changed property's latest value and when it changed. */
  changes: Record<string, { value: string | undefined; at: number }>;
  /** Webhook events merged into this record. */
  events: number;
  /** The API error that deferred it (an error code, never a message). */
  reason: string;
  deferredAt: number;
  /** Not before this time (the API's Retry-After, else a minute): the due index's sort key. */
  retryAt: number;
  revision: number;
  updatedAt: number;
  /** Set once the backfill has recorded the deal; the item then leaves the index and expires. */
  resolvedAt?: number;
};
