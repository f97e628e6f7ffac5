import { describe, expect, it } from 'vitest';
import { publishOverdueOfUnpolled } from '../../lib/backfill/deferred-overdue';
import { createMetricsRecorder } from '../../lib/observability/metrics';
import { invokeBackfill } from '../support/backfill';
import { createClock } from '../support/clock';
import { createTestTable } from '../support/dynamo';
import { createTestRuntime } from '../support/runtime';

function recorder() {
  const published: { name: string; dimensions: Record<string, string>; value: number }[] = [];
  return {
    published,
    metrics: createMetricsRecorder((name, dimensions, value) => published.push({ name, dimensions, value })),
  };
}

describe('publishOverdueOfUnpolled', () => {
  it('publishes 0 for a deferring CRM that was not polled (its API is not configured: it defers nothing)', () => {
    const { published, metrics } = recorder();
    publishOverdueOfUnpolled(metrics, {
      hubspot: { status: 'disabled' },
      salesforce: { status: 'disabled' },
    });
    metrics.flush();
    expect(published).toEqual([
      { name: 'CrmDealsDeferredOverdue', dimensions: { crm: 'hubspot' }, value: 0 },
    ]);
  });

  it('leaves a polled CRM to its own resume step', () => {
    const { published, metrics } = recorder();
    publishOverdueOfUnpolled(metrics, { hubspot: { status: 'done' }, salesforce: { status: 'done' } });
    metrics.flush();
    expect(published).toEqual([]);
  });
});

describe('a backfill run without a HubSpot API', () => {
  it('publishes CrmDealsDeferredOverdue 0 (the DeferredDealsOverdueAlarm metric)', async () => {
    const table = await createTestTable();
    const clock = createClock();
    const { published, metrics } = recorder();
    const runtime = createTestRuntime(table, {}, { now: clock.now, metrics });

    await invokeBackfill(runtime, clock);

    expect(published).toContainEqual({
      name: 'CrmDealsDeferredOverdue',
      dimensions: { crm: 'hubspot' },
      value: 0,
    });
  });
});
