/**
 * Every key shape of the table, in one place. Nothing outside lib/store builds a key by hand.
 * A close is keyed by its lead ID; a close that arrived without one is keyed by its CRM deal so it is
 * recorded (and visible) rather than dropped.
 */
export const ITEM_TYPES = {
  lead: 'lead',
  close: 'close',
  delivery: 'delivery',
  receipt: 'receipt',
  checkpoint: 'checkpoint',
  deal: 'deal',
  order: 'order',
  stage: 'stage',
  deferredDeal: 'deferred_deal',
  processingCheck: 'processing_check',
  suppression: 'suppression',
} as const;
export type ItemType = (typeof ITEM_TYPES)[keyof typeof ITEM_TYPES];

/** The due index's single partition: the whole backlog is one ordered range by `dueAt`. */
export const DUE_SHARD = 'DUE';
/**
 * A second partition of the same sparse index: deliveries that gave up (`failed:<reason>`), newest last by
 * `updatedAt`. The scheduled backfill never reads it; a manual `retryNow` does, so failed deliveries are
 * found without a table Scan and without a second index.
 */
export const FAILED_SHARD = 'FAILED';
/**
 * A third partition: CRM deals whose webhook was accepted while the CRM's API could not be read (an outage,
 * or a rate limit longer than the webhook's answer window), by when to try again. The backfill reads it
 * first, before it polls.
 */
export const DEFERRED_SHARD = 'DEFERRED';

/**
 * A fourth partition: platform requests whose processing result is to be asked for (Data Manager), by when
 * to ask. The backfill reads only the requests due here and makes one status call per request.
 */
export const PROCESSING_SHARD = 'PROCESSING';

/**
 * The other partitions a delivery sits in, one per settled state (`STATUS#delivered`, `STATUS#accepted`,
 * `STATUS#processed`, `STATUS#partial_success`, `STATUS#skipped`), newest last by `updatedAt`: with DUE and
 * FAILED every delivery is in exactly one partition of the index, so the dashboard pages any status in
 * order without a Scan. Nothing of the backfill reads them.
 */
export const settledShard = (state: string) => `STATUS#${state}`;

export const keys = {
  lead: (leadId: string) => `LEAD#${leadId}`,
  close: (subjectKey: string) => `CLOSE#${subjectKey}`,
  delivery: (subjectKey: string, destination: string) => `DELIVERY#${subjectKey}#${destination}`,
  receipt: (source: string, receiptId: string) => `RECEIPT#${source}#${receiptId}`,
  checkpoint: (source: string) => `CHECKPOINT#${source}`,
  deal: (crm: string, dealId: string) => `DEAL#${crm}#${dealId}`,
  order: (orderId: string) => `ORDER#${orderId}`,
  /** A funnel stage a lead reached: one per lead key (the close's key) and stage name. */
  stage: (leadKey: string, stage: string) => `STAGE#${leadKey}#${stage}`,
  deferredDeal: (crm: string, dealId: string) => `DEFERRED#${crm}#${dealId}`,
  processingCheck: (destination: string, requestId: string) => `REQUEST#${destination}#${requestId}`,
  /** An erased person: the SHA-256 of their lead ID or normalised email, nothing else (lib/erasure). */
  suppression: (hash: string) => `SUPPRESSED#${hash}`,
} as const;
