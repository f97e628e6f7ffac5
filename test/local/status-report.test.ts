import { describe, expect, it } from 'vitest';
import type { DeferredDealRecord, DeliveryRecord } from '../../lib/domain';
import {
  buildStatusReport,
  deferredDealsStatus,
  formatBackfillStatus,
  formatStatusReport,
} from '../../local/status-report';
import { HOUR } from '../support/clock';

const delivery = (overrides: Partial<DeliveryRecord>): DeliveryRecord => ({
  subjectKey: 'lead_1',
  destination: 'meta',
  status: 'delivered',
  subjectVersion: 1,
  attempts: 1,
  createdAt: 0,
  updatedAt: 0,
  ...overrides,
});

describe('buildStatusReport', () => {
  const deliveries = [
    delivery({ subjectKey: 'a', destination: 'google-ads', status: 'delivered' }),
    delivery({
      subjectKey: 'b',
      destination: 'google-ads',
      status: 'failed:PERMISSION_DENIED',
      lastError: 'token lacks the datamanager scope',
      lastErrorCode: 'PERMISSION_DENIED',
      updatedAt: 5 * HOUR,
    }),
    delivery({
      subjectKey: 'c',
      destination: 'meta',
      status: 'waiting_for_lead',
      createdAt: 2 * HOUR,
      nextAttemptAt: 9 * HOUR,
    }),
    delivery({
      subjectKey: 'd',
      destination: 'meta',
      status: 'retry',
      createdAt: 1 * HOUR,
      lastError: 'HTTP 503',
      updatedAt: 6 * HOUR,
    }),
    delivery({ subjectKey: 'e', destination: 'meta', status: 'skipped:consent' }),
  ];

  it('counts by destination and status', () => {
    expect(buildStatusReport(deliveries).totals).toEqual({
      'google-ads': { delivered: 1, 'failed:PERMISSION_DENIED': 1 },
      meta: { waiting_for_lead: 1, retry: 1, 'skipped:consent': 1 },
    });
  });

  it('lists the oldest waiting first and the newest failures first', () => {
    const report = buildStatusReport(deliveries);
    expect(report.oldestWaiting.map((item) => item.closeKey)).toEqual(['d', 'c']);
    expect(report.lastFailures.map((item) => item.closeKey)).toEqual(['d', 'b']);
  });

  it('prints a table with the failure reason and code', () => {
    const text = formatStatusReport(buildStatusReport(deliveries), 10 * HOUR);
    expect(text).toContain('deliveries: 5');
    expect(text).toMatch(/google-ads\s+1\s+1\s+0\s+0\s+0/);
    expect(text).toContain('PERMISSION_DENIED: token lacks the datamanager scope');
    expect(text).toContain('9 h');
  });

  it('says so when there is nothing yet', () => {
    expect(formatStatusReport(buildStatusReport([]), 0)).toBe('deliveries: 0\n(no deliveries yet)');
  });
});

describe('formatBackfillStatus', () => {
  it('shows how far each CRM was polled and how many deliveries gave up', () => {
    const report = buildStatusReport([
      delivery({ subjectKey: 'x', status: 'failed:retries_exhausted' }),
      delivery({ subjectKey: 'y', destination: 'google-ads', status: 'failed:invalid_row' }),
      delivery({ subjectKey: 'z', status: 'delivered' }),
    ]);
    const now = Date.parse('2026-11-23T16:00:00Z');

    const text = formatBackfillStatus(
      report,
      [{ crm: 'hubspot', until: now - 5 * 60_000, updatedAt: now - 4 * 60_000 }, { crm: 'salesforce' }],
      now,
      [{ displayName: 'HubSpot', deals: 0, reasons: [] }],
    );

    expect(text).toContain('hubspot     2026-11-23T15:55:00Z (5 min ago)');
    expect(text).toContain('salesforce  never polled');
    expect(text).toContain('gave up: 2 — retry them all now');
    expect(text).toContain('deferred HubSpot deals: none');
    const withDeferred = formatBackfillStatus(report, [], now, [
      {
        displayName: 'HubSpot',
        deals: 3,
        oldestDeferredAt: now - 20 * 60_000,
        reasons: ['http_502', 'rate_limited'],
      },
    ]);
    expect(withDeferred).toContain(
      'deferred HubSpot deals: 3 (HubSpot API: http_502, rate_limited; oldest 20 min ago) — the next backfill',
    );
  });
});

describe('deferredDealsStatus', () => {
  const deferredDeal = (deferredAt: number, reason: string): DeferredDealRecord => ({
    crm: 'hubspot',
    dealId: String(deferredAt),
    latestAt: deferredAt,
    changes: {},
    events: 1,
    reason,
    deferredAt,
    retryAt: deferredAt + 60_000,
    revision: 1,
    updatedAt: deferredAt,
  });

  it('counts the deals, keeps the oldest deferral and each reason once, sorted', () => {
    expect(
      deferredDealsStatus([
        deferredDeal(3000, 'rate_limited'),
        deferredDeal(1000, 'http_502'),
        deferredDeal(2000, 'rate_limited'),
      ]),
    ).toEqual({ deals: 3, oldestDeferredAt: 1000, reasons: ['http_502', 'rate_limited'] });
    expect(deferredDealsStatus([])).toEqual({ deals: 0, reasons: [] });
  });
});
