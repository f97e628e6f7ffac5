import type {
  CloseRecord,
  ConsentRecord,
  DeliveryRecord,
  HashedIdentity,
  LeadRecord,
  OrderRecord,
  PlatformReceipt,
  StageRecord,
} from '../domain';

/**
 * The destination contract. A destination is one folder under lib/destinations/ that exports a factory
 * returning a `Destination`: a pure mapping per event type (what to send, or why not), a batch size per
 * request kind, a description of the exact request (recorded on the delivery), and an upload client that
 * makes one request per batch and answers one outcome per row. The pipeline knows nothing else about a
 * platform, so adding one (GA4, TikTok) or an event type (`checkout_completed`) touches no pipeline code
 * and no other destination — only lib/destinations/registry.ts, which lists them.
 */

/**
 * Event types a destination may map: a CRM close, an order pushed as `checkout_completed`, and a funnel
 * stage a lead reached (`lead_stage`, CONVERSION_STAGES).
 */
export type ConversionEventType = 'lead_closed' | 'checkout_completed' | 'lead_stage';

/** What was last accepted by the platform for this delivery, so a changed close becomes an adjustment. */
export type DeliveredState = NonNullable<DeliveryRecord['delivered']>;

/** Everything the mapping may use for one delivery: the event, its joined lead, and the delivery's past. */
export type LeadClosedConversion = {
  type: 'lead_closed';
  close: CloseRecord;
  /** Where the close came from, as the platforms' lead-source fields show it (`HubSpot`, `API`). */
  crmDisplayName: string;
  /** The captured lead; undefined when it never arrived and the wait is over (contact identity alone). */
  lead: LeadRecord | undefined;
  /** The lead's identity, completed with the CRM contact's (the contact's alone without a lead). */
  identity: HashedIdentity | undefined;
  consent: ConsentRecord | undefined;
  delivered: DeliveredState | undefined;
  now: number;
};

/** An order: it joins no lead; its own click IDs, hashed identity and consent were stored with it. */
export type CheckoutCompletedConversion = {
  type: 'checkout_completed';
  order: OrderRecord;
  identity: HashedIdentity;
  consent: ConsentRecord | undefined;
  delivered: DeliveredState | undefined;
  now: number;
};

/**
 * A funnel stage: joined to its lead like a close (the same identity and consent rules), its destination's
 * part of the stage entry recorded with it (`stage.targets`), its platform ID `<leadKey>:<stage>`.
 */
export type LeadStageConversion = Omit<LeadClosedConversion, 'type' | 'close'> & {
  type: 'lead_stage';
  stage: StageRecord;
};

export type Conversion = LeadClosedConversion | CheckoutCompletedConversion | LeadStageConversion;

/** What the platform holds once it accepts this version of the conversion (`RowDecision.accepted`). */
export function acceptedState(conversion: Conversion): DeliveredState {
  if (conversion.type === 'lead_closed') {
    const { close } = conversion;
    return {
      version: close.version,
      outcome: close.outcome,
      value: close.value,
      currency: close.currency,
      at: conversion.now,
      conversionAt: close.closedAt,
    };
  }
  if (conversion.type === 'lead_stage') {
    const { stage } = conversion;
    return {
      version: stage.version,
      outcome: 'reached',
      value: stage.value ?? 0,
      currency: stage.currency ?? '',
      at: conversion.now,
      conversionAt: stage.reachedAt,
    };
  }
  const { order } = conversion;
  return {
    version: order.version,
    outcome: 'purchased',
    value: order.value,
    currency: order.currency,
    at: conversion.now,
    conversionAt: order.occurredAt,
  };
}
export type ConversionFor<TType extends ConversionEventType> = Extract<Conversion, { type: TType }>;

/**
 * The mapping's verdict for one delivery. `send` carries the platform row and its request kind (`batch`):
 * rows of the same kind share requests. `accepted` is what the platform will know once the row is
 * delivered (recorded as `delivered` for later adjustments). `skip` and `fail` never reach the platform.
 */
export type RowDecision<TRow> =
  | { kind: 'send'; row: TRow; batch: string; accepted: DeliveredState }
  | { kind: 'skip'; reason: string; message?: string }
  | { kind: 'fail'; reason: string; message: string };

/** What happened to one row of an upload. Messages never carry PII or secrets. */
export type RowOutcome =
  | { kind: 'delivered'; responseId?: string; receipt?: PlatformReceipt }
  /** Taken by the platform, which processes it later and says how when asked (`Destination.processing`). */
  | { kind: 'accepted'; responseId: string }
  | { kind: 'retry'; code: string; message: string; retryAfterMs?: number }
  | {
      kind: 'failed';
      reason: string;
      code: string;
      message: string;
      /** Our configuration is wrong (scope, token, account): no other row of this run will fare better. */
      configuration?: boolean;
    }
  | { kind: 'skipped'; reason: string; message?: string };

export type UploadContext = {
  /** Epoch ms after which no request may still be running (the caller's time budget). */
  deadline: number;
};

export type UploadResult = { outcomes: RowOutcome[]; requests: number };

/** The request a batch becomes, as recorded on deliveries: method, URL and body, never a credential. */
export type RequestDescription = { method: 'POST'; url: string; body: unknown };

/**
 * How a platform that processes uploads later (Google Data Manager) reports on one request: still
 * processing, not reachable now (ask again), or final, with what each delivery the request carried becomes.
 */
export type ProcessingAnswer =
  | { kind: 'processing' }
  | { kind: 'unavailable'; code: string; message: string; retryAfterMs?: number }
  | { kind: 'final'; verdict: ProcessingVerdict };

export type ProcessingVerdict = {
  /** The platform's status word (`SUCCESS`, `FAILED`, `PARTIAL_SUCCESS`). */
  status: string;
  errors: { reason: string; count: number }[];
  /** What every delivery of the request becomes; `retry` re-uploads it (a transient reason). */
  outcome: 'processed' | 'partial_success' | 'failed' | 'retry';
  /** The failure's reason (`CLICK_NOT_FOUND`) for `failed` and `retry`. */
  reason?: string;
  retryAfterMs?: number;
  /** Said plainly: `1 of 3 in this request failed: CLICK_NOT_FOUND`. */
  summary?: string;
};

export type ProcessingStatusSource = {
  /** How long after the upload the first check is due (0: at the next run). */
  readonly checkDelayMs: number;
  /** One status call for one request that carried `events` events. */
  retrieve(requestId: string, events: number, context: UploadContext): Promise<ProcessingAnswer>;
};

export type Destination<TRow = unknown> = {
  /** The delivery key's destination part: `google-ads`, `meta`. */
  readonly name: string;
  /** Pure, per event type; an event type a destination does not map is `skipped:unsupported_event`. */
  readonly mappings: {
    [TType in ConversionEventType]?: (conversion: ConversionFor<TType>) => RowDecision<TRow>;
  };
  /** The platform's limit of rows per request of this kind. */
  maxBatchSize(batch: string): number;
  /** The exact request `upload` would make for these rows (minus credentials); pure. */
  describe(rows: readonly TRow[], batch: string): RequestDescription;
  /** One request per call (plus bounded extra ones to isolate rejected rows); one outcome per row. */
  upload(rows: readonly TRow[], batch: string, context: UploadContext): Promise<UploadResult>;
  /** Present when uploads are processed later: rows answered `accepted` are checked here. */
  readonly processing?: ProcessingStatusSource;
  /**
   * How long after the platform accepted an event a re-send with the same IDs is still taken as that
   * event (its de-duplication window), by event type; `Infinity`: for good. An event type absent here is
   * not de-duplicated by the platform, so a replay (lib/backfill/replay.ts) never re-sends it once accepted.
   */
  readonly deduplicationWindowMs?: Partial<Record<ConversionEventType, number>>;
};

/** Lets destinations of different row types sit in one list; each keeps its own types inside. */
export function defineDestination<TRow>(destination: Destination<TRow>): Destination {
  return destination as unknown as Destination;
}
