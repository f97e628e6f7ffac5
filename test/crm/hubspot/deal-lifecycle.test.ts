import { describe, expect, it } from 'vitest';
import { dealLifecycleEvent, planDealLifecycle } from '../../../lib/crm/hubspot/deal-lifecycle';
import { parseHubspotWebhook, type SubscriptionEvent } from '../../../lib/crm/hubspot/webhook-payload';
import type { DealPointer } from '../../../lib/domain';
import { PayloadValidationError } from '../../../lib/errors';

const AT = Date.UTC(2026, 11, 1);

function events(...raw: Record<string, unknown>[]): SubscriptionEvent[] {
  const webhook = parseHubspotWebhook(
    raw.map((event, index) => ({ eventId: 100 + index, occurredAt: AT, attemptNumber: 0, ...event })),
  );
  if (webhook.kind !== 'subscription') throw new Error('expected a subscription batch');
  return webhook.events;
}

const pointer = (dealId: string, extra: Partial<DealPointer> = {}): [string, DealPointer] => [
  dealId,
  { crm: 'hubspot', dealId, ...extra },
];

describe('dealLifecycleEvent', () => {
  it('reads a merge as the deal it created and the originals, the primary first', () => {
    const [merge] = events({
      subscriptionType: 'deal.merge',
      objectId: 3,
      primaryObjectId: 1,
      mergedObjectIds: [2],
      newObjectId: 3,
      numberOfPropertiesMoved: 4,
    });
    expect(dealLifecycleEvent(merge as SubscriptionEvent)).toEqual({
      kind: 'merge',
      eventId: '100',
      at: AT,
      dealId: '3',
      originalIds: ['1', '2'],
    });
  });

  it('reads object.deletion and object.restore of deals only (0-3), and no contact merge', () => {
    const read = events(
      { subscriptionType: 'object.deletion', objectTypeId: '0-3', objectId: 5 },
      { subscriptionType: 'object.restore', objectTypeId: '0-3', objectId: 5 },
      { subscriptionType: 'object.deletion', objectTypeId: '0-1', objectId: 6 },
      { subscriptionType: 'contact.merge', objectId: 7, primaryObjectId: 7, mergedObjectIds: [8] },
    ).map(dealLifecycleEvent);
    expect(read.map((event) => event && `${event.kind} ${event.dealId}`)).toEqual([
      'deletion 5',
      'restore 5',
      undefined,
      undefined,
    ]);
  });

  it('refuses a deal deletion without objectId and a merge naming no deal, by field', () => {
    expect(() => events({ subscriptionType: 'deal.deletion' })).toThrow(PayloadValidationError);
    const refused = (() => {
      try {
        events({ subscriptionType: 'object.merge', objectTypeId: '0-3', mergedObjectIds: [1] });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(PayloadValidationError);
    expect((refused as PayloadValidationError).issues).toEqual([
      { field: '[0].primaryObjectId', message: 'required for a deal merge' },
    ]);
  });
});

describe('planDealLifecycle', () => {
  const merge = { kind: 'merge' as const, eventId: 'm', at: AT, dealId: '3', originalIds: ['1', '2'] };

  it('keeps the primary original’s close, takes the other one back, and leads every ID to the kept one', () => {
    const stored = new Map([pointer('1', { subjectKey: 'lead-1' }), pointer('2', { subjectKey: 'lead-2' })]);
    const plan = planDealLifecycle([merge], stored, { apiAccess: true });
    expect(plan.mergedPointers).toEqual([{ dealId: '3', subjectKey: 'lead-1', marks: {} }]);
    expect(plan.pointerWrites).toEqual([
      { dealId: '1', subjectKey: 'lead-1', marks: { mergedInto: '3', mergedAt: AT } },
      { dealId: '2', subjectKey: 'lead-1', marks: { mergedInto: '3', mergedAt: AT } },
    ]);
    expect(Object.fromEntries(plan.closes)).toEqual({ 'lead-2': { action: 'delete', at: AT } });
    expect(plan.reads).toEqual([{ dealId: '3', eventIds: ['m'], at: AT }]);
  });

  it('done again after an interruption, still takes the duplicate back; done again after completion, nothing', () => {
    const interrupted = new Map([
      pointer('1', { subjectKey: 'lead-1' }),
      pointer('2', { subjectKey: 'lead-2' }),
      pointer('3', { subjectKey: 'lead-1' }),
    ]);
    expect([...planDealLifecycle([merge], interrupted, { apiAccess: true }).closes.keys()]).toEqual([
      'lead-2',
    ]);
    const done = new Map([
      pointer('1', { subjectKey: 'lead-1', mergedInto: '3' }),
      pointer('2', { subjectKey: 'lead-1', mergedInto: '3' }),
      pointer('3', { subjectKey: 'lead-1' }),
    ]);
    expect(planDealLifecycle([merge], done, { apiAccess: true }).closes.size).toBe(0);
  });

  it('without API access puts the kept close back if an original’s deletion took it', () => {
    const plan = planDealLifecycle([merge], new Map([pointer('2', { subjectKey: 'lead-2' })]), {
      apiAccess: false,
    });
    expect(Object.fromEntries(plan.closes)).toEqual({ 'lead-2': { action: 'restore', at: AT } });
    expect(plan.reads).toEqual([]);
  });

  it('leaves tombstones when no original was a close, so their late events lead nowhere', () => {
    const plan = planDealLifecycle([merge], new Map(), { apiAccess: false });
    expect(plan.mergedPointers).toEqual([]);
    expect(plan.pointerWrites.map((write) => write.marks.mergedInto)).toEqual(['3', '3']);
    expect(plan.closes.size).toBe(0);
  });

  it('applies events in time order, and drops a deletion older than the restore before it', () => {
    const stored = new Map([pointer('9', { subjectKey: 'lead-9' })]);
    const deletion = { kind: 'deletion' as const, eventId: 'd', at: AT, dealId: '9' };
    const restore = { kind: 'restore' as const, eventId: 'r', at: AT + 1, dealId: '9' };
    expect(
      Object.fromEntries(planDealLifecycle([restore, deletion], stored, { apiAccess: false }).closes),
    ).toEqual({
      'lead-9': { action: 'restore', at: AT + 1 },
    });
    const restored = new Map([pointer('9', { subjectKey: 'lead-9', restoredAt: AT + 1 })]);
    expect(planDealLifecycle([deletion], restored, { apiAccess: false }).closes.size).toBe(0);
  });

  it('never deletes a close through a merged-away ID, nor one it never recorded', () => {
    const stored = new Map([pointer('1', { subjectKey: 'lead-1', mergedInto: '3' })]);
    const deletions = ['1', '7'].map((dealId) => ({
      kind: 'deletion' as const,
      eventId: dealId,
      at: AT,
      dealId,
    }));
    const plan = planDealLifecycle(deletions, stored, { apiAccess: true });
    expect(plan.closes.size).toBe(0);
    expect(plan.pointerWrites).toEqual([]);
  });
});
