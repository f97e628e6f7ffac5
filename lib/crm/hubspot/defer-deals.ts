import { mapWithConcurrency } from '../../concurrency';
import type { DeferredDealRecord } from '../../domain';
import type { RetryableError } from '../../errors';
import { METRIC_NAMES } from '../../observability/metrics';
import { retryOnConflict } from '../../store/retry-on-conflict';
import type { Store } from '../../store/store';
import type { DealActivity } from './deal-activity';
import type { HubspotIntakeDeps } from './intake-deps';

/**
 * When HubSpot's API cannot be read within the webhook's answer window, the webhook still answers 200:
 * what its events said about each deal is stored as a deferred deal (deal ID, changed close properties and
 * their times — no contact data), and the backfill reads the deals from the API once it answers again and
 * records them exactly as the webhook would have. Two webhooks about one deal merge into one record.
 */

/** Without a Retry-After, try again after this long (the backfill runs every 15 minutes anyway). */
const DEFAULT_RETRY_MS = 60_000;
const WRITE_CONCURRENCY = 10;

/** Two reports about one deal: per property, the later change wins; the latest change time is kept. */
export function mergeDealActivity(
  existing: DeferredDealRecord | undefined,
  activity: DealActivity,
  options: { now: number; reason: string; retryAfterMs: number | undefined },
): DeferredDealRecord {
  // A record the backfill already resolved starts over (keeping its revision for the conditional write).
  const open = existing?.resolvedAt === undefined ? existing : undefined;
  const changes = { ...open?.changes };
  for (const [name, change] of Object.entries(activity.changes)) {
    const previous = changes[name];
    if (!previous || previous.at <= change.at) changes[name] = change;
  }
  const retryAt = options.now + (options.retryAfterMs ?? DEFAULT_RETRY_MS);
  return {
    crm: 'hubspot',
    dealId: activity.dealId,
    latestAt: Math.max(open?.latestAt ?? 0, activity.latestAt),
    changes,
    events: (open?.events ?? 0) + Math.max(1, activity.eventIds.length),
    reason: options.reason,
    deferredAt: open?.deferredAt ?? options.now,
    // A record already due stays due: a later deferral never pushes earlier work back.
    retryAt: open ? Math.min(open.retryAt, retryAt) : retryAt,
    revision: (existing?.revision ?? 0) + 1,
    updatedAt: options.now,
  };
}

export async function deferDealActivity(
  store: Store,
  activity: readonly DealActivity[],
  options: { now: number; reason: string; retryAfterMs: number | undefined },
): Promise<void> {
  await mapWithConcurrency(activity, WRITE_CONCURRENCY, (deal) =>
    retryOnConflict(async () => {
      const existing = (await store.getDeferredDeals('hubspot', [deal.dealId])).get(deal.dealId);
      await store.putDeferredDeal(mergeDealActivity(existing, deal, options), existing?.revision);
    }),
  );
}

/** The deal activity a deferred deal stands for, as the webhook's events described it. */
export function activityOfDeferredDeal(deal: DeferredDealRecord): DealActivity {
  return { dealId: deal.dealId, eventIds: [], latestAt: deal.latestAt, changes: deal.changes };
}

/** Defers the activity (the webhook still answers 200), says so once, and counts it. */
export async function deferActivity(
  activity: readonly DealActivity[],
  error: RetryableError,
  deps: Pick<HubspotIntakeDeps, 'store' | 'now' | 'logger' | 'metrics'>,
): Promise<number> {
  await deferDealActivity(deps.store, activity, {
    now: deps.now(),
    reason: error.code,
    retryAfterMs: error.retryAfterMs,
  });
  deps.logger.warn('HubSpot API unavailable; deals deferred to the backfill', {
    deals: activity.length,
    reason: error.code,
  });
  deps.metrics?.count(METRIC_NAMES.crmDealsDeferred, { crm: 'hubspot' }, activity.length);
  return activity.length;
}
