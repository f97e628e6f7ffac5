import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config';
import { CRM_DISPLAY_NAMES } from '../../../lib/crm/registry';
import { ConfigurationError } from '../../../lib/errors';
import { conversionFor } from '../../../lib/pipeline/conversion';
import { T0 } from '../../support/clock';
import { closeRecord, leadRecord } from '../../support/conversion-inputs';
import { allDestinations, decideFor, sentRow } from '../../support/destinations';
import { checkoutWithBrowserBody, orderOf } from '../../support/orders';
import { ACCOUNTS } from '../../support/platforms';

/**
 * TikTok files CRM events under a CRM Event Set and web events under the pixel (platform-apis.md §7):
 * closes go with TIKTOK_CRM_EVENT_SET_ID, orders with TIKTOK_PIXEL_CODE, and neither under the other's ID.
 */
const lead = leadRecord('lead-tt', { clickIds: { ttclid: 'E.C.P.tt-click' } });
const won = closeRecord('lead-tt');
const lost = closeRecord('lead-tt', { outcome: 'lost', value: 0, closureReason: 'price' });
const order = orderOf(checkoutWithBrowserBody(), T0);

function tiktok(env: Record<string, string> = {}) {
  const destination = allDestinations(env).get('tiktok');
  if (!destination) throw new Error('tiktok not configured');
  return destination;
}

describe('TikTok event sets', () => {
  it('sends closes as crm events to the CRM Event Set ID and orders as web events to the pixel', () => {
    const destination = tiktok();
    const close = decideFor(destination, conversionFor(won, lead, undefined, T0, CRM_DISPLAY_NAMES));
    const purchase = decideFor(
      destination,
      conversionFor(order, undefined, undefined, T0, CRM_DISPLAY_NAMES),
    );
    expect(close).toMatchObject({ kind: 'send', batch: 'crm' });
    expect(purchase).toMatchObject({ kind: 'send', batch: 'web' });

    expect(destination.describe([sentRow(close)], 'crm').body).toMatchObject({
      event_source: 'crm',
      event_source_id: ACCOUNTS.tiktokCrmEventSet,
    });
    expect(destination.describe([sentRow(purchase)], 'web').body).toMatchObject({
      event_source: 'web',
      event_source_id: ACCOUNTS.tiktokPixel,
    });
  });

  it('carries lead {lead_event_source} at event level on a CRM event, never on an order', () => {
    const destination = tiktok();
    const close = sentRow(decideFor(destination, conversionFor(won, lead, undefined, T0, CRM_DISPLAY_NAMES)));
    const purchase = sentRow(
      decideFor(destination, conversionFor(order, undefined, undefined, T0, CRM_DISPLAY_NAMES)),
    );
    expect(close).toMatchObject({ lead: { lead_event_source: 'HubSpot' } });
    // TikTok's own lead ID is never captured: no lead_id rather than one of ours.
    expect((close as { lead: object }).lead).not.toHaveProperty('lead_id');
    expect(purchase).not.toHaveProperty('lead');
  });

  it('without TIKTOK_CRM_EVENT_SET_ID, closes are not sent (never under the pixel); orders still go', () => {
    const destination = tiktok({ TIKTOK_CRM_EVENT_SET_ID: '' });
    expect(decideFor(destination, conversionFor(won, lead, undefined, T0, CRM_DISPLAY_NAMES))).toEqual({
      kind: 'skip',
      reason: 'not_configured',
      message: 'closes go to TikTok only when TIKTOK_CRM_EVENT_SET_ID is set',
    });
    expect(
      decideFor(destination, conversionFor(order, undefined, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      kind: 'send',
      batch: 'web',
    });
  });

  it('without the pixel code, orders are not sent; closes go to the CRM Event Set', () => {
    const destination = tiktok({ TIKTOK_PIXEL_CODE: '' });
    expect(
      decideFor(destination, conversionFor(order, undefined, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      kind: 'skip',
      reason: 'not_configured',
    });
    expect(decideFor(destination, conversionFor(won, lead, undefined, T0, CRM_DISPLAY_NAMES))).toMatchObject({
      kind: 'send',
      batch: 'crm',
    });
  });

  it('says once at start-up which half is off', () => {
    const base = { TIKTOK_ACCESS_TOKEN: 'token' };
    const pixelOnly = loadConfig({ ...base, TIKTOK_PIXEL_CODE: 'CPIXEL1' });
    expect(pixelOnly.tiktok).toMatchObject({ pixelCode: 'CPIXEL1', crmEventSetId: undefined });
    expect(pixelOnly.disabled).toContainEqual({
      name: 'tiktok-crm-events',
      missing: ['TIKTOK_CRM_EVENT_SET_ID'],
    });
    const crmOnly = loadConfig({ ...base, TIKTOK_CRM_EVENT_SET_ID: 'CSET1' });
    expect(crmOnly.tiktok).toMatchObject({ pixelCode: undefined, crmEventSetId: 'CSET1' });
    expect(crmOnly.disabled).toContainEqual({ name: 'tiktok-web-events', missing: ['TIKTOK_PIXEL_CODE'] });
    expect(crmOnly.disabled.map((capability) => capability.name)).not.toContain('tiktok-crm-events');
    const both = loadConfig({ ...base, TIKTOK_PIXEL_CODE: 'CPIXEL1', TIKTOK_CRM_EVENT_SET_ID: 'CSET1' });
    expect(both.disabled.map((capability) => capability.name).filter((n) => n.startsWith('tiktok'))).toEqual(
      [],
    );
  });
});

describe('TikTok won and lost event names', () => {
  it('are LeadClosed and LeadLost by default: never one name for both', () => {
    const destination = tiktok();
    expect(
      sentRow(decideFor(destination, conversionFor(won, lead, undefined, T0, CRM_DISPLAY_NAMES))),
    ).toMatchObject({
      event: 'LeadClosed',
    });
    expect(
      sentRow(decideFor(destination, conversionFor(lost, lead, undefined, T0, CRM_DISPLAY_NAMES))),
    ).toMatchObject({
      event: 'LeadLost',
    });
  });

  it('are configurable with TIKTOK_WON_EVENT and TIKTOK_LOST_EVENT', () => {
    const destination = tiktok({ TIKTOK_WON_EVENT: 'DealWon', TIKTOK_LOST_EVENT: 'DealLost' });
    expect(
      sentRow(decideFor(destination, conversionFor(won, lead, undefined, T0, CRM_DISPLAY_NAMES))),
    ).toMatchObject({
      event: 'DealWon',
    });
    expect(
      sentRow(decideFor(destination, conversionFor(lost, lead, undefined, T0, CRM_DISPLAY_NAMES))),
    ).toMatchObject({
      event: 'DealLost',
    });
  });

  it('refuses one name for both, and a name TikTok would not take, naming the variables', () => {
    const base = { TIKTOK_ACCESS_TOKEN: 'token', TIKTOK_CRM_EVENT_SET_ID: 'CSET1' };
    const same = () => loadConfig({ ...base, TIKTOK_WON_EVENT: 'Closed', TIKTOK_LOST_EVENT: 'Closed' });
    expect(same).toThrow(ConfigurationError);
    expect(same).toThrow(/TIKTOK_WON_EVENT and TIKTOK_LOST_EVENT must differ/);
    try {
      loadConfig({ ...base, TIKTOK_WON_EVENT: 'won deal' });
    } catch (error) {
      expect((error as ConfigurationError).variables).toEqual(['TIKTOK_WON_EVENT']);
      return;
    }
    throw new Error('a bad TIKTOK_WON_EVENT was accepted');
  });
});
