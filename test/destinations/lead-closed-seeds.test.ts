import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { closeFromLeadClosedEvent } from '../../lib/crm/lead-closed-event';
import { CRM_DISPLAY_NAMES } from '../../lib/crm/registry';
import type { CloseRecord } from '../../lib/domain';
import { LeadClosedEventSchema } from '../../lib/events/lead-closed';
import { sha256Hex } from '../../lib/leads/hash';
import { conversionFor } from '../../lib/pipeline/conversion';
import { decideCloseWrite } from '../../lib/pipeline/record-close';
import { HOUR, T0 } from '../support/clock';
import { leadRecord, nextCloseVersion } from '../support/conversion-inputs';
import { GCLID } from '../support/conversions';
import { allDestinations, decideFor, sentRow } from '../support/destinations';

/**
 * The seed's lead_closed examples (won, lost to a competitor, no decision, price, minimal), pushed to
 * collect and joined to the lead captured for `lead_abc123` (gclid, fbclid, `_ga` and ttclid), mapped by
 * every destination: each platform's own event name and key fields.
 */
const SEEDS = join(__dirname, '..', 'fixtures', 'seeds');
const CLOSED_AT = T0 - HOUR;

function seedClose(name: string): CloseRecord {
  const event = v.parse(LeadClosedEventSchema, JSON.parse(readFileSync(join(SEEDS, `${name}.json`), 'utf8')));
  const input = closeFromLeadClosedEvent(event, { receivedAt: CLOSED_AT, closureReasonMap: {} });
  const close = decideCloseWrite(undefined, input, CLOSED_AT).next;
  if (!close) throw new Error('not recorded');
  return close;
}

const lead = leadRecord('lead_abc123', {
  clickIds: { _ga: 'GA1.1.1111111111.1762092300', ttclid: 'E.C.P.lead-ttclid' },
});
const destinations = allDestinations();
const decide = (name: string, close: CloseRecord, now = T0) =>
  decideFor(
    destinations.get(name) as NonNullable<ReturnType<typeof destinations.get>>,
    conversionFor(close, lead, undefined, now, CRM_DISPLAY_NAMES),
  );

const CASES = [
  { seed: 'lead-closed-won', outcome: 'won', value: 4500, reason: undefined, days: 45 },
  { seed: 'lead-closed-lost-competitor', outcome: 'lost', value: 0, reason: 'lost_to_competitor', days: 38 },
  { seed: 'lead-closed-lost-no-decision', outcome: 'lost', value: 0, reason: 'no_decision', days: 90 },
  { seed: 'lead-closed-lost-price', outcome: 'lost', value: 0, reason: 'price', days: 60 },
  { seed: 'lead-closed-minimal', outcome: 'won', value: 4500, reason: undefined, days: undefined },
] as const;

describe.each(CASES)("the seed's $seed", ({ seed, outcome, value, reason, days }) => {
  const close = seedClose(seed);

  it(`Google: a Data Manager event on the ${outcome} action, transactionId = lead ID`, () => {
    expect(sentRow(decide('google-ads', close))).toMatchObject({
      destinationReferences: [outcome],
      transactionId: 'lead_abc123',
      conversionValue: value,
      currency: 'USD',
      eventSource: 'OTHER',
      adIdentifiers: { gclid: GCLID },
    });
  });

  it('Meta: LeadClosed, system_generated, CRM source API', () => {
    expect(sentRow(decide('meta', close))).toMatchObject({
      event_name: 'LeadClosed',
      action_source: 'system_generated',
      event_id: 'lead_abc123',
      custom_data: {
        value,
        currency: 'USD',
        event_source: 'crm',
        lead_event_source: 'API',
        close_outcome: outcome,
        ...(reason ? { closure_reason: reason } : {}),
      },
    });
  });

  it(`GA4: ${outcome === 'won' ? 'close_convert_lead' : 'close_unconvert_lead'} for the lead's _ga client`, () => {
    const row = sentRow(decide('ga4', close)) as {
      client_id: string;
      event: { name: string; params: object };
    };
    expect(row.client_id).toBe('1111111111.1762092300');
    expect(row.event.name).toBe(outcome === 'won' ? 'close_convert_lead' : 'close_unconvert_lead');
    expect(row.event.params).toEqual({
      currency: 'USD',
      value,
      transaction_id: 'lead_abc123',
      lead_source: 'API',
      close_outcome: outcome,
      ...(reason ? { closure_reason: reason } : {}),
      ...(outcome === 'lost' ? { unconvert_lead_reason: reason } : {}),
      ...(days !== undefined ? { sales_cycle_days: days } : {}),
      ...(seed === 'lead-closed-won' ? { deal_type: 'annual_contract' } : {}),
    });
  });

  it('GA4 with GA4_LEAD_CLOSED_EVENT=lead_closed: one custom lead_closed event', () => {
    const single = allDestinations({ GA4_LEAD_CLOSED_EVENT: 'lead_closed' }).get('ga4');
    const row = sentRow(
      decideFor(
        single as NonNullable<typeof single>,
        conversionFor(close, lead, undefined, T0, CRM_DISPLAY_NAMES),
      ),
    ) as { event: { name: string; params: Record<string, unknown> } };
    expect(row.event.name).toBe('lead_closed');
    expect(row.event.params.close_outcome).toBe(outcome);
    expect(row.event.params).not.toHaveProperty('unconvert_lead_reason');
  });

  it('TikTok: the custom LeadClosed (won) or LeadLost from the crm source, hashed email and external_id, ttclid', () => {
    const decision = decide('tiktok', close);
    expect(decision).toMatchObject({ kind: 'send', batch: 'crm' });
    expect(sentRow(decision)).toEqual({
      event: outcome === 'won' ? 'LeadClosed' : 'LeadLost',
      event_time: CLOSED_AT / 1000,
      event_id: 'lead_abc123',
      user: {
        // The lead's own email first, then the pushed close's contact email.
        email: [sha256Hex('jane.doe+ads@gmail.com'), sha256Hex('customer@example.com')],
        phone: expect.arrayContaining([sha256Hex('+14155550100')]),
        external_id: [sha256Hex('lead_abc123')],
        ttclid: 'E.C.P.lead-ttclid',
        ip: '203.0.113.10',
        user_agent: 'Mozilla/5.0 (test)',
      },
      properties: {
        value,
        currency: 'USD',
        close_outcome: outcome,
        ...(reason ? { closure_reason: reason } : {}),
        ...(days !== undefined ? { sales_cycle_days: days } : {}),
        lead_event_source: 'API',
      },
      lead: { lead_event_source: 'API' },
    });
  });
});

describe('lead_closed on GA4 and TikTok: what is not sent', () => {
  const won = seedClose('lead-closed-won');

  it('GA4 waits for no one: a close whose lead brought no _ga is skipped:no_client_id', () => {
    const bare = leadRecord('lead_abc123');
    const decision = decideFor(
      destinations.get('ga4') as NonNullable<ReturnType<typeof destinations.get>>,
      conversionFor(won, bare, undefined, T0, CRM_DISPLAY_NAMES),
    );
    expect(decision).toMatchObject({ kind: 'skip', reason: 'no_client_id' });
  });

  it('GA4 takes closes only within 72 hours', () => {
    expect(decide('ga4', won, CLOSED_AT + 72 * HOUR)).toMatchObject({ kind: 'skip', reason: 'expired' });
    expect(decide('ga4', won, CLOSED_AT + 71 * HOUR)).toMatchObject({ kind: 'send' });
  });

  it('a re-valued deal already sent is not re-sent (no adjustments on GA4 or TikTok)', () => {
    const delivered = { version: 1, outcome: 'won' as const, value: 4500, currency: 'USD', at: T0 };
    const revalued = nextCloseVersion(won, { value: 5000 });
    for (const name of ['ga4', 'tiktok']) {
      const decision = decideFor(
        destinations.get(name) as NonNullable<ReturnType<typeof destinations.get>>,
        conversionFor(revalued, lead, delivered, T0, CRM_DISPLAY_NAMES),
      );
      expect(decision).toMatchObject({ kind: 'skip', reason: 'revalue_unsupported' });
    }
  });

  it('a won deal that turns lost: GA4 sends close_unconvert_lead (its own event), TikTok does not', () => {
    const delivered = { version: 1, outcome: 'won' as const, value: 4500, currency: 'USD', at: T0 };
    const flipped = nextCloseVersion(won, { outcome: 'lost', value: 0 });
    const ga4 = decideFor(
      destinations.get('ga4') as NonNullable<ReturnType<typeof destinations.get>>,
      conversionFor(flipped, lead, delivered, T0, CRM_DISPLAY_NAMES),
    );
    expect((sentRow(ga4) as { event: { name: string } }).event.name).toBe('close_unconvert_lead');
    const tiktok = decideFor(
      destinations.get('tiktok') as NonNullable<ReturnType<typeof destinations.get>>,
      conversionFor(flipped, lead, delivered, T0, CRM_DISPLAY_NAMES),
    );
    expect(tiktok).toMatchObject({ kind: 'skip', reason: 'outcome_change_unsupported' });
  });

  it('marketing consent false: nothing to TikTok; analytics consent false: nothing to GA4', () => {
    const noMarketing = leadRecord('lead_abc123', {
      clickIds: { _ga: 'GA1.1.1111111111.1762092300' },
      consent: { analytics: true, personalization: true, marketing: false },
    });
    const noAnalytics = leadRecord('lead_abc123', {
      clickIds: { _ga: 'GA1.1.1111111111.1762092300' },
      consent: { analytics: false, personalization: true, marketing: true },
    });
    const get = (name: string) => destinations.get(name) as NonNullable<ReturnType<typeof destinations.get>>;
    expect(
      decideFor(get('tiktok'), conversionFor(won, noMarketing, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      reason: 'consent',
    });
    expect(
      decideFor(get('ga4'), conversionFor(won, noMarketing, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      kind: 'send',
    });
    expect(
      decideFor(get('ga4'), conversionFor(won, noAnalytics, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      reason: 'consent',
    });
  });
});
