import type { CrmName } from './close';

export type Checkpoint = { source: string; until: number; updatedAt: number; cursor?: string };

/**
 * A CRM deal change accepted by a webhook but not yet read from the CRM's API (lib/store/keys.ts DEFERRED_SHARD):
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

/** A deferred deal still unresolved this long after its deferral is overdue (CrmDealsDeferredOverdue's alarm). */
export const DEFERRED_OVERDUE_AFTER_MS = 3_600_000;
