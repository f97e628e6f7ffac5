import { describe, expect, it } from 'vitest';
import type { DealPointer, DeliveryRecord } from '../../lib/domain';
import { dealLifecycleStatus, formatDealLifecycleStatus } from '../../local/lifecycle-status';

const pointer = (dealId: string, extra: Partial<DealPointer> = {}): DealPointer => ({
  crm: 'hubspot',
  dealId,
  subjectKey: `lead-${dealId}`,
  ...extra,
});
const delivery = (
  destination: string,
  status: DeliveryRecord['status'],
  extra: Partial<DeliveryRecord> = {},
) =>
  ({
    subjectKey: 'lead-x',
    destination,
    status,
    subjectVersion: 2,
    attempts: 1,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  }) as DeliveryRecord;

describe('dealLifecycleStatus', () => {
  it('counts merged, deleted and restored deals, and what the deleted deals’ deliveries came to', () => {
    const status = dealLifecycleStatus(
      [
        pointer('1', { mergedInto: '3', mergedAt: 5 }),
        pointer('2', { mergedInto: '3', mergedAt: 5 }),
        pointer('3'),
        pointer('4', { deletedAt: 10 }),
        pointer('5', { deletedAt: 10, restoredAt: 20 }),
        pointer('6', { deletedAt: 30, restoredAt: 20 }),
      ],
      [
        delivery('meta', 'skipped:deleted'),
        delivery('meta', 'skipped:deleted_after_upload'),
        delivery('google-ads', 'delivered', {
          delivered: { version: 2, outcome: 'deleted', value: 0, currency: 'EUR', at: 1, retracted: true },
        }),
        delivery('google-ads', 'delivered', {
          delivered: { version: 1, outcome: 'won', value: 10, currency: 'EUR', at: 1 },
        }),
        delivery('ga4', 'skipped:consent'),
      ],
    );
    expect(status).toEqual({
      merged: 2,
      deleted: 2,
      restored: 1,
      deletedDeliveries: {
        meta: { cancelled: 1, retracted: 0, leftAtPlatform: 1 },
        'google-ads': { cancelled: 0, retracted: 1, leftAtPlatform: 0 },
      },
    });
    expect(formatDealLifecycleStatus(status)).toBe(
      [
        'CRM deals: 2 merged into another deal, 2 deleted, 1 restored',
        "deleted deals' deliveries:",
        '  meta: 1 cancelled before upload, 0 retracted, 1 left at the platform',
        '  google-ads: 0 cancelled before upload, 1 retracted, 0 left at the platform',
        '  (left at the platform: it cannot retract them; remove them there if they must not count)',
      ].join('\n'),
    );
  });

  it('says it in one line when nothing was merged, deleted or restored', () => {
    expect(formatDealLifecycleStatus(dealLifecycleStatus([pointer('1')], []))).toBe(
      'CRM deals: 0 merged into another deal, 0 deleted, 0 restored',
    );
  });
});
