import { describe, expect, it } from 'vitest';
import { closeFromLeadClosedEvent } from '../../lib/crm/lead-closed-event';
import type { LeadClosedEvent } from '../../lib/events/lead-closed';

const RECEIVED = Date.UTC(2026, 10, 20);

function event(value: number, properties?: LeadClosedEvent['event']['properties']): LeadClosedEvent {
  return {
    event: {
      name: 'lead_closed',
      value,
      currency: 'USD',
      id: 'lead_1',
      ...(properties ? { properties } : {}),
    },
    user: {},
  };
}

describe('closeFromLeadClosedEvent', () => {
  it('forces value 0 for a lost close, whatever the sender put', () => {
    expect(
      closeFromLeadClosedEvent(event(300, { close_outcome: 'lost' }), {
        receivedAt: RECEIVED,
        closureReasonMap: {},
      }),
    ).toEqual({
      leadId: 'lead_1',
      crm: 'api',
      outcome: 'lost',
      value: 0,
      currency: 'USD',
      closedAt: RECEIVED,
      sourceUpdatedAt: RECEIVED,
    });
  });

  it('reads a missing outcome from the value and keeps a vocabulary reason with its detail', () => {
    const close = closeFromLeadClosedEvent(
      event(0, {
        closure_reason: 'no_decision',
        closure_detail: 'project_postponed',
        deal_type: 'annual_contract',
      }),
      { receivedAt: RECEIVED, closureReasonMap: {} },
    );
    expect(close).toMatchObject({
      outcome: 'lost',
      closureReason: 'no_decision',
      closureDetail: 'project_postponed',
      dealType: 'annual_contract',
    });
  });

  it('never dates a close after its arrival', () => {
    const future = { ...event(10), event: { ...event(10).event, timestamp: RECEIVED + 86_400_000 } };
    expect(closeFromLeadClosedEvent(future, { receivedAt: RECEIVED, closureReasonMap: {} }).closedAt).toBe(
      RECEIVED,
    );
  });
});
