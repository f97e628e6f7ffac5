import { describe, expect, it } from 'vitest';
import { DEFERRED_OVERDUE_AFTER_MS, publishDeferredOverdue } from '../../lib/backfill/deferred-overdue';
import type { DeferredDealRecord } from '../../lib/domain';
import { createMetricsRecorder } from '../../lib/observability/metrics';
import { invokeBackfill } from '../support/backfill';
import { createClock, MINUTE, T0 } from '../support/clock';
import { createTestTable } from '../support/dynamo';
import { createTestRuntime } from '../support/runtime';

const deferred = (dealId: string, deferredAt: number): DeferredDealRecord => ({
  crm: 'hubspot',
  dealId,
  latestAt: deferredAt,
  changes: { dealstage: { value: 'closedwon', at: deferredAt } },
  events: 1,
  reason: 'http_503',
  deferredAt,
  retryAt: deferredAt + MINUTE,
  revision: 1,
  updatedAt: deferredAt,
});

function recorder() {
  const published: { name: string; dimensions: Record<string, string>; value: number }[] = [];
  return {
    published,
    metrics: createMetricsRecorder((name, dimensions, value) => published.push({ name, dimensions, value })),
  };
}

describe('publishDeferredOverdue', () => {
  it('counts the deferred deals unresolved an hour after their deferral, per CRM', async () => {
    const table = await createTestTable();
    await table.store.putDeferredDeal(deferred('1', T0 - DEFERRED_OVERDUE_AFTER_MS - 1), undefined);
    await table.store.putDeferredDeal(deferred('2', T0 - 2 * DEFERRED_OVERDUE_AFTER_MS), undefined);
    await table.store.putDeferredDeal(deferred('3', T0 - 10 * MINUTE), undefined);
    const resolved = deferred('4', T0 - 3 * DEFERRED_OVERDUE_AFTER_MS);
    await table.store.putDeferredDeal(resolved, undefined);
    await table.store.markDeferredDealResolved(resolved, T0 - DEFERRED_OVERDUE_AFTER_MS);
    const { published, metrics } = recorder();

    const overdue = await publishDeferredOverdue({ store: table.store, metrics, now: () => T0 });
    metrics.flush();

    expect(overdue).toEqual({ hubspot: 2 });
    expect(published).toEqual([
      { name: 'CrmDealsDeferredOverdue', dimensions: { crm: 'hubspot' }, value: 2 },
    ]);
  });

  it('publishes 0 when none is waiting, so the alarm clears', async () => {
    const table = await createTestTable();
    const { published, metrics } = recorder();
    await publishDeferredOverdue({ store: table.store, metrics, now: () => T0 });
    metrics.flush();
    expect(published).toEqual([
      { name: 'CrmDealsDeferredOverdue', dimensions: { crm: 'hubspot' }, value: 0 },
    ]);
  });
});

describe('each backfill run', () => {
  it('publishes CrmDealsDeferredOverdue (the DeferredDealsOverdueAlarm metric)', async () => {
    const table = await createTestTable();
    const clock = createClock();
    const { published, metrics } = recorder();
    const runtime = createTestRuntime(table, {}, { now: clock.now, metrics });
    await table.store.putDeferredDeal(deferred('9', clock.now() - 2 * DEFERRED_OVERDUE_AFTER_MS), undefined);

    await invokeBackfill(runtime, clock);

    expect(published).toContainEqual({
      name: 'CrmDealsDeferredOverdue',
      dimensions: { crm: 'hubspot' },
      value: 1,
    });
  });
});
