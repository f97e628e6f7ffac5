import { describe, expect, it } from 'vitest';
import type {
  AdsApiRow,
  ClickConversion,
  ConversionAdjustment,
} from '../../../../lib/destinations/google-ads/ads-api/conversion';
import { decideAdsApiLeadClosed } from '../../../../lib/destinations/google-ads/ads-api/lead-closed';
import { buildAdsApiRequest } from '../../../../lib/destinations/google-ads/ads-api/request';
import { toAdsDateTime } from '../../../../lib/destinations/google-ads/formats';
import { sha256Hex } from '../../../../lib/leads/hash';
import { DAY, T0 } from '../../../support/clock';
import { closeRecord, conversionOf, leadRecord, nextCloseVersion } from '../../../support/conversion-inputs';
import { GCLID } from '../../../support/conversions';

const settings = {
  customerId: '1234567890',
  actions: { won: '111111', lost: '222222' },
  baseUrl: 'https://googleads.googleapis.com',
  apiVersion: 'v26',
  clickWindowMs: 90 * 86_400_000,
};
const wonDelivered = {
  version: 1,
  outcome: 'won' as const,
  value: 4500,
  currency: 'USD',
  at: T0 - DAY,
  conversionAt: T0 - 2 * DAY,
};

function row(decision: ReturnType<typeof decideAdsApiLeadClosed>): AdsApiRow {
  if (decision.kind !== 'send') throw new Error(`expected send, got ${JSON.stringify(decision)}`);
  return decision.row;
}

describe('decideAdsApiLeadClosed', () => {
  it('maps a won close to a ClickConversion, field by field', () => {
    const close = closeRecord('lead_1', { closedAt: Date.parse('2026-11-20T09:00:00Z') });
    const decision = decideAdsApiLeadClosed(conversionOf(close, leadRecord('lead_1')), settings);
    expect(decision).toMatchObject({ kind: 'send', batch: 'conversions' });
    expect(row(decision)).toEqual({
      gclid: GCLID,
      conversionAction: 'customers/1234567890/conversionActions/111111',
      conversionDateTime: '2026-11-20 09:00:00+00:00',
      conversionValue: 4500,
      currencyCode: 'USD',
      orderId: 'lead_1',
      userIdentifiers: [
        { hashedEmail: sha256Hex('janedoe@gmail.com') },
        { hashedPhoneNumber: sha256Hex('+14155550100') },
      ],
      consent: { adUserData: 'GRANTED' },
    } satisfies ClickConversion);
  });

  it('builds the uploadClickConversions request with partialFailure', () => {
    const conversion = row(
      decideAdsApiLeadClosed(conversionOf(closeRecord('lead_1'), leadRecord('lead_1')), settings),
    );
    expect(buildAdsApiRequest([conversion], 'conversions', settings)).toEqual({
      method: 'POST',
      url: 'https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions',
      body: { conversions: [conversion], partialFailure: true },
    });
  });

  it('restates a re-valued won deal on its order ID, after the conversion and any earlier adjustment', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1'), { value: 6000, currency: 'EUR' });
    const decision = decideAdsApiLeadClosed(
      conversionOf(v2, leadRecord('lead_1'), { delivered: wonDelivered }),
      settings,
    );
    expect(decision).toMatchObject({ kind: 'send', batch: 'adjustments' });
    expect(row(decision)).toEqual({
      conversionAction: 'customers/1234567890/conversionActions/111111',
      adjustmentType: 'RESTATEMENT',
      adjustmentDateTime: toAdsDateTime(T0),
      orderId: 'lead_1',
      restatementValue: { adjustedValue: 6000, currencyCode: 'EUR' },
    } satisfies ConversionAdjustment);
  });

  it('makes each restatement newer than the last even within the same second', () => {
    const v3 = nextCloseVersion(closeRecord('lead_1'), { value: 7000 });
    const delivered = { ...wonDelivered, value: 6000, at: T0 + 400 };
    const adjustment = row(
      decideAdsApiLeadClosed(conversionOf(v3, leadRecord('lead_1'), { delivered }), settings),
    );
    expect((adjustment as ConversionAdjustment).adjustmentDateTime).toBe(toAdsDateTime(T0 + 1000));
  });

  it('retracts a won deal that turned lost or re-opened', () => {
    for (const outcome of ['lost', 'reopened'] as const) {
      const v2 = nextCloseVersion(closeRecord('lead_1'), { outcome, value: 0 });
      const decision = decideAdsApiLeadClosed(
        conversionOf(v2, leadRecord('lead_1'), { delivered: wonDelivered }),
        settings,
      );
      expect(row(decision)).toEqual({
        conversionAction: 'customers/1234567890/conversionActions/111111',
        adjustmentType: 'RETRACTION',
        adjustmentDateTime: toAdsDateTime(T0),
        orderId: 'lead_1',
      });
      expect(decision).toMatchObject({ accepted: { retracted: true, outcome } });
    }
  });

  it('does not adjust after 54 days', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1'), { value: 6000 });
    const delivered = { ...wonDelivered, conversionAt: T0 - 55 * DAY };
    expect(
      decideAdsApiLeadClosed(conversionOf(v2, leadRecord('lead_1'), { delivered }), settings),
    ).toMatchObject({
      kind: 'skip',
      reason: 'adjustment_window_passed',
    });
  });

  it('uploads a lost → won flip as a new conversion on the won action', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1', { outcome: 'lost', value: 0 }), {
      outcome: 'won',
      value: 800,
    });
    const delivered = { ...wonDelivered, outcome: 'lost' as const, value: 0 };
    const conversion = row(
      decideAdsApiLeadClosed(conversionOf(v2, leadRecord('lead_1'), { delivered }), settings),
    );
    expect(conversion).toMatchObject({
      conversionAction: 'customers/1234567890/conversionActions/111111',
      conversionValue: 800,
    });
  });

  it('cannot restate a retracted conversion', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1'), { outcome: 'lost', value: 0 });
    const v3 = nextCloseVersion(v2, { outcome: 'won', value: 4500 });
    const delivered = { ...wonDelivered, outcome: 'lost' as const, retracted: true };
    expect(
      decideAdsApiLeadClosed(conversionOf(v3, leadRecord('lead_1'), { delivered }), settings),
    ).toMatchObject({
      kind: 'skip',
      reason: 'previously_retracted',
    });
  });

  it('sends a close with only a hashed email (enhanced conversions for leads), never more than 5 identifiers', () => {
    const lead = leadRecord('lead_1', { url: 'https://example.com/' });
    const conversion = row(
      decideAdsApiLeadClosed(conversionOf(closeRecord('lead_1'), lead), settings),
    ) as ClickConversion;
    expect(conversion.gclid).toBeUndefined();
    expect(conversion.userIdentifiers?.length).toBeLessThanOrEqual(5);
  });

  it('skips consent refusals and unconfigured lost actions like the Data Manager mode', () => {
    const refused = leadRecord('lead_1', {
      consent: { analytics: true, personalization: true, marketing: false },
    });
    expect(decideAdsApiLeadClosed(conversionOf(closeRecord('lead_1'), refused), settings)).toMatchObject({
      reason: 'consent',
    });
    const lost = closeRecord('lead_1', { outcome: 'lost', value: 0 });
    expect(
      decideAdsApiLeadClosed(conversionOf(lost, leadRecord('lead_1')), {
        ...settings,
        actions: { won: '111111', lost: undefined },
      }),
    ).toMatchObject({ reason: 'lost_not_configured' });
  });
});
