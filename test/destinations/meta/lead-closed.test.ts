import { describe, expect, it } from 'vitest';
import {
  decideMetaLeadClosed,
  type MetaServerEvent,
  metaEventName,
} from '../../../lib/destinations/meta/lead-closed';
import { buildMetaRequest } from '../../../lib/destinations/meta/request';
import { isMetaLeadgenId } from '../../../lib/destinations/meta/server-event';
import { sha256Hex } from '../../../lib/leads/hash';
import { hashIdentity } from '../../../lib/leads/identity';
import { DAY, HOUR, T0 } from '../../support/clock';
import { closeRecord, conversionOf, leadRecord, nextCloseVersion } from '../../support/conversion-inputs';
import { FBCLID } from '../../support/conversions';

const single = { eventNaming: 'single' as const };
const outcome = { eventNaming: 'outcome' as const };

function event(decision: ReturnType<typeof decideMetaLeadClosed>): MetaServerEvent {
  if (decision.kind !== 'send') throw new Error(`expected send, got ${JSON.stringify(decision)}`);
  return decision.row;
}

describe('decideMetaLeadClosed', () => {
  it('maps a won close to a system_generated CRM event, field by field', () => {
    const close = closeRecord('lead_1', {
      closedAt: Date.parse('2026-11-20T09:00:00Z'),
      closureReason: 'won_on_price',
      salesCycleDays: 45,
    });
    const lead = leadRecord('lead_1', { clickIds: { _fbp: 'fb.1.1762092300000.1098115397' } });
    const mapped = event(decideMetaLeadClosed(conversionOf(close, lead), single));
    expect(mapped).toEqual({
      event_name: 'LeadClosed',
      event_time: Date.parse('2026-11-20T09:00:00Z') / 1000,
      action_source: 'system_generated',
      event_id: 'lead_1',
      user_data: {
        external_id: [sha256Hex('lead_1')],
        em: [sha256Hex('jane.doe+ads@gmail.com')],
        ph: [sha256Hex('14155550100')],
        fn: sha256Hex('jane'),
        ln: sha256Hex('odoe'),
        ct: sha256Hex('sanfrancisco'),
        st: sha256Hex('ca'),
        zp: sha256Hex('94105'),
        country: sha256Hex('us'),
        fbc: `fb.1.${T0 - 30 * DAY}.${FBCLID}`,
        fbp: 'fb.1.1762092300000.1098115397',
        client_ip_address: '203.0.113.10',
        client_user_agent: 'Mozilla/5.0 (test)',
      },
      custom_data: {
        value: 4500,
        currency: 'USD',
        event_source: 'crm',
        lead_event_source: 'HubSpot',
        close_outcome: 'won',
        closure_reason: 'won_on_price',
        sales_cycle_days: 45,
      },
    } satisfies MetaServerEvent);
  });

  it('builds the request body with test_event_code and without the access token', () => {
    const mapped = event(
      decideMetaLeadClosed(conversionOf(closeRecord('lead_1'), leadRecord('lead_1')), single),
    );
    const request = buildMetaRequest([mapped], {
      pixelId: '1234567890123456',
      eventNaming: 'single',
      testEventCode: 'TEST123',
      graphBaseUrl: 'https://graph.facebook.com',
      apiVersion: 'v26.0',
    });
    expect(request).toEqual({
      method: 'POST',
      url: 'https://graph.facebook.com/v26.0/1234567890123456/events',
      body: { data: [mapped], test_event_code: 'TEST123' },
    });
  });

  it('names events by outcome when configured', () => {
    expect(metaEventName('outcome', 'won')).toBe('LeadClosedWon');
    expect(metaEventName('outcome', 'lost')).toBe('LeadClosedLost');
    const lost = closeRecord('lead_1', {
      outcome: 'lost',
      value: 0,
      closureReason: 'lost_to_competitor',
      crm: 'salesforce',
    });
    const mapped = event(decideMetaLeadClosed(conversionOf(lost, leadRecord('lead_1')), outcome));
    expect(mapped.event_name).toBe('LeadClosedLost');
    expect(mapped.custom_data).toMatchObject({
      value: 0,
      close_outcome: 'lost',
      closure_reason: 'lost_to_competitor',
      lead_event_source: 'Salesforce',
    });
  });

  it('skips an event older than 7 days before it can fail a batch', () => {
    const close = closeRecord('lead_1', { closedAt: T0 - 7 * DAY - HOUR });
    expect(decideMetaLeadClosed(conversionOf(close, leadRecord('lead_1')), single)).toMatchObject({
      kind: 'skip',
      reason: 'expired',
    });
  });

  it('skips a lead without marketing consent', () => {
    const lead = leadRecord('lead_1', {
      consent: { analytics: true, personalization: true, marketing: false },
    });
    expect(decideMetaLeadClosed(conversionOf(closeRecord('lead_1'), lead), single)).toMatchObject({
      kind: 'skip',
      reason: 'consent',
    });
  });

  it('needs something to match on beyond the hashed lead ID', () => {
    const lead = leadRecord('lead_1', { user: null, url: 'https://example.com/' });
    expect(decideMetaLeadClosed(conversionOf(closeRecord('lead_1'), lead), single)).toMatchObject({
      kind: 'skip',
      reason: 'no_identifier',
    });
  });

  it('drops a malformed fbc rather than sending one that matches nothing', () => {
    const lead = leadRecord('lead_1', { url: 'https://example.com/' });
    const withBadFbc = { ...lead, clickIds: { fbc: 'fb.1.1700000000.abc' } };
    expect(
      event(decideMetaLeadClosed(conversionOf(closeRecord('lead_1'), withBadFbc), single)).user_data.fbc,
    ).toBeUndefined();
  });

  it('sends lead_id only for a Meta Instant Form lead ID', () => {
    expect(isMetaLeadgenId('123456789012345')).toBe(true);
    expect(isMetaLeadgenId('lead_1')).toBe(false);
    expect(isMetaLeadgenId('12345678901234')).toBe(false);
    const lead = { ...leadRecord('lead_1'), metaLeadId: '1234567890123456' };
    expect(
      event(decideMetaLeadClosed(conversionOf(closeRecord('lead_1'), lead), single)).user_data.lead_id,
    ).toBe('1234567890123456');
    expect(
      event(decideMetaLeadClosed(conversionOf(closeRecord('lead_1'), leadRecord('lead_1')), single)).user_data
        .lead_id,
    ).toBeUndefined();
  });

  it('goes out with the CRM contact alone when the lead never arrived', () => {
    const close = closeRecord('lead_1', {
      contactIdentity: hashIdentity({ emails: ['crm.contact@example.org'] }),
    });
    const mapped = event(decideMetaLeadClosed(conversionOf(close, undefined), single));
    expect(mapped.user_data).toEqual({
      external_id: [sha256Hex('lead_1')],
      em: [sha256Hex('crm.contact@example.org')],
    });
  });

  it('does not re-send a re-valued deal (Meta has no adjustment)', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1'), { value: 9000 });
    const delivered = { version: 1, outcome: 'won' as const, value: 4500, currency: 'USD', at: T0 - HOUR };
    expect(decideMetaLeadClosed(conversionOf(v2, leadRecord('lead_1'), { delivered }), single)).toMatchObject(
      {
        kind: 'skip',
        reason: 'revalue_unsupported',
      },
    );
  });

  it('sends a won → lost flip only when outcome naming gives it its own event name', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1'), { outcome: 'lost', value: 0 });
    const delivered = { version: 1, outcome: 'won' as const, value: 4500, currency: 'USD', at: T0 - HOUR };
    expect(decideMetaLeadClosed(conversionOf(v2, leadRecord('lead_1'), { delivered }), single)).toMatchObject(
      {
        kind: 'skip',
        reason: 'outcome_change_unsupported',
      },
    );
    expect(
      event(decideMetaLeadClosed(conversionOf(v2, leadRecord('lead_1'), { delivered }), outcome)),
    ).toMatchObject({
      event_name: 'LeadClosedLost',
      event_id: 'lead_1',
    });
  });

  it('records that a re-opened deal cannot be retracted', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1'), { outcome: 'reopened', value: 0 });
    const delivered = { version: 1, outcome: 'won' as const, value: 4500, currency: 'USD', at: T0 - HOUR };
    expect(decideMetaLeadClosed(conversionOf(v2, leadRecord('lead_1'), { delivered }), single)).toMatchObject(
      {
        reason: 'retraction_unsupported',
      },
    );
  });
});
