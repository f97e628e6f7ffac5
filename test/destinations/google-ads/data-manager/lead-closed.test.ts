import { describe, expect, it } from 'vitest';
import type { DataManagerEvent } from '../../../../lib/destinations/google-ads/data-manager/event';
import { decideDataManagerLeadClosed } from '../../../../lib/destinations/google-ads/data-manager/lead-closed';
import { buildDataManagerRequest } from '../../../../lib/destinations/google-ads/data-manager/request';
import { sha256Hex } from '../../../../lib/leads/hash';
import { hashIdentity } from '../../../../lib/leads/identity';
import { DAY, T0 } from '../../../support/clock';
import { closeRecord, conversionOf, leadRecord, nextCloseVersion } from '../../../support/conversion-inputs';
import { GCLID } from '../../../support/conversions';

const settings = {
  customerId: '1234567890',
  loginCustomerId: '9876543210',
  actions: { won: '111111', lost: '222222' },
  baseUrl: 'https://datamanager.googleapis.com',
  clickWindowMs: 90 * 86_400_000,
};

function sent(decision: ReturnType<typeof decideDataManagerLeadClosed>): DataManagerEvent {
  if (decision.kind !== 'send')
    throw new Error(`expected send, got ${decision.kind}: ${JSON.stringify(decision)}`);
  return decision.row;
}

describe('decideDataManagerLeadClosed', () => {
  it('maps a won close joined to its lead, field by field', () => {
    // Arrange
    const close = closeRecord('lead_1', { closedAt: Date.parse('2026-11-20T09:00:00Z') });
    const lead = leadRecord('lead_1');
    // Act
    const event = sent(decideDataManagerLeadClosed(conversionOf(close, lead), settings));
    // Assert
    expect(event.destinationReferences).toEqual(['won']);
    expect(event.transactionId).toBe('lead_1');
    expect(event.eventTimestamp).toBe('2026-11-20T09:00:00.000Z');
    expect(event.conversionValue).toBe(4500);
    expect(event.currency).toBe('USD');
    expect(event.eventSource).toBe('OTHER');
    expect(event.adIdentifiers).toEqual({ gclid: GCLID });
    // Google: gmail dots and +tag removed before hashing.
    expect(event.userData?.userIdentifiers[0]).toEqual({ emailAddress: sha256Hex('janedoe@gmail.com') });
    expect(event.userData?.userIdentifiers[1]).toEqual({ phoneNumber: sha256Hex('+14155550100') });
    expect(event.userData?.userIdentifiers[2]).toEqual({
      address: {
        givenName: sha256Hex('jane'),
        familyName: sha256Hex('odoe'),
        regionCode: 'US',
        postalCode: '94105-1234',
      },
    });
    expect(event.consent).toEqual({ adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' });
    expect(event).toMatchInlineSnapshot(`
      {
        "adIdentifiers": {
          "gclid": "EAIaIQobChMI-test-gclid-123",
        },
        "consent": {
          "adPersonalization": "CONSENT_GRANTED",
          "adUserData": "CONSENT_GRANTED",
        },
        "conversionValue": 4500,
        "currency": "USD",
        "destinationReferences": [
          "won",
        ],
        "eventSource": "OTHER",
        "eventTimestamp": "2026-11-20T09:00:00.000Z",
        "lastUpdatedTimestamp": "2026-11-20T10:00:00.000Z",
        "transactionId": "lead_1",
        "userData": {
          "userIdentifiers": [
            {
              "emailAddress": "d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69",
            },
            {
              "phoneNumber": "40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0",
            },
            {
              "address": {
                "familyName": "fff1833cf87ec12a259fbf6b5bee308dc19f4a8cd0407451f402f973a5ec8059",
                "givenName": "81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2",
                "postalCode": "94105-1234",
                "regionCode": "US",
              },
            },
          ],
        },
      }
    `);
  });

  it('builds the whole ingest request with won and lost destinations told apart by reference', () => {
    const won = sent(
      decideDataManagerLeadClosed(conversionOf(closeRecord('lead_1'), leadRecord('lead_1')), settings),
    );
    const lost = sent(
      decideDataManagerLeadClosed(
        conversionOf(
          closeRecord('lead_2', { outcome: 'lost', value: 0, closureReason: 'price' }),
          leadRecord('lead_2'),
        ),
        settings,
      ),
    );
    const request = buildDataManagerRequest([won, lost], settings);
    expect(request.url).toBe('https://datamanager.googleapis.com/v1/events:ingest');
    expect(request.body).toMatchObject({
      destinations: [
        {
          reference: 'won',
          operatingAccount: { accountId: '1234567890', accountType: 'GOOGLE_ADS' },
          loginAccount: { accountId: '9876543210', accountType: 'GOOGLE_ADS' },
          productDestinationId: '111111',
        },
        {
          reference: 'lost',
          operatingAccount: { accountId: '1234567890', accountType: 'GOOGLE_ADS' },
          loginAccount: { accountId: '9876543210', accountType: 'GOOGLE_ADS' },
          productDestinationId: '222222',
        },
      ],
      encoding: 'HEX',
    });
    expect(
      (request.body as { events: DataManagerEvent[] }).events.map((event) => event.destinationReferences),
    ).toEqual([['won'], ['lost']]);
  });

  it('leaves the login account out when none is configured, and lists only destinations in use', () => {
    const won = sent(
      decideDataManagerLeadClosed(conversionOf(closeRecord('lead_1'), leadRecord('lead_1')), settings),
    );
    const request = buildDataManagerRequest([won], { ...settings, loginCustomerId: undefined });
    expect((request.body as { destinations: unknown[] }).destinations).toEqual([
      {
        reference: 'won',
        operatingAccount: { accountId: '1234567890', accountType: 'GOOGLE_ADS' },
        productDestinationId: '111111',
      },
    ]);
  });

  it('sends exactly one click id: gclid, else gbraid, else wbraid — never both braids', () => {
    const both = leadRecord('lead_1', { url: 'https://example.com/?gbraid=GB-1&wbraid=WB-1' });
    expect(
      sent(decideDataManagerLeadClosed(conversionOf(closeRecord('lead_1'), both), settings)).adIdentifiers,
    ).toEqual({
      gbraid: 'GB-1',
    });
    const wbraid = leadRecord('lead_1', { url: 'https://example.com/?wbraid=WB-1' });
    expect(
      sent(decideDataManagerLeadClosed(conversionOf(closeRecord('lead_1'), wbraid), settings)).adIdentifiers,
    ).toEqual({
      wbraid: 'WB-1',
    });
  });

  it('maps denied ad consent signals to CONSENT_DENIED', () => {
    const lead = leadRecord('lead_1', {
      consent: {
        analytics: true,
        personalization: true,
        marketing: true,
        ad_user_data: false,
        ad_personalization: false,
      },
    });
    expect(
      sent(decideDataManagerLeadClosed(conversionOf(closeRecord('lead_1'), lead), settings)).consent,
    ).toEqual({
      adUserData: 'CONSENT_DENIED',
      adPersonalization: 'CONSENT_DENIED',
    });
  });

  it('skips a lead without marketing consent', () => {
    const lead = leadRecord('lead_1', {
      consent: { analytics: true, personalization: true, marketing: false },
    });
    expect(decideDataManagerLeadClosed(conversionOf(closeRecord('lead_1'), lead), settings)).toMatchObject({
      kind: 'skip',
      reason: 'consent',
    });
  });

  it('skips a lost deal when no lost conversion action is configured', () => {
    const close = closeRecord('lead_1', { outcome: 'lost', value: 0 });
    const decision = decideDataManagerLeadClosed(conversionOf(close, leadRecord('lead_1')), {
      ...settings,
      actions: { won: '111111', lost: undefined },
    });
    expect(decision).toMatchObject({ kind: 'skip', reason: 'lost_not_configured' });
  });

  it('skips a close with nothing to match on', () => {
    const lead = leadRecord('lead_1', { url: 'https://example.com/', user: null });
    expect(decideDataManagerLeadClosed(conversionOf(closeRecord('lead_1'), lead), settings)).toMatchObject({
      kind: 'skip',
      reason: 'no_identifier',
    });
  });

  it('does not use a click older than 90 days; with no other identifier the close is expired', () => {
    const lead = leadRecord('lead_1', { capturedAt: T0 - 91 * DAY, user: null });
    const decision = decideDataManagerLeadClosed(
      conversionOf(closeRecord('lead_1'), { ...lead, capturedAt: T0 - 91 * DAY }),
      settings,
    );
    expect(decision).toMatchObject({ kind: 'skip', reason: 'expired' });
  });

  it('uses the CRM contact identifiers alone when the lead never arrived', () => {
    const close = closeRecord('lead_1', {
      contactIdentity: hashIdentity({ emails: ['crm.contact@example.org'] }),
    });
    const event = sent(decideDataManagerLeadClosed(conversionOf(close, undefined), settings));
    expect(event.adIdentifiers).toBeUndefined();
    expect(event.userData).toEqual({
      userIdentifiers: [{ emailAddress: sha256Hex('crm.contact@example.org') }],
    });
    expect(event.consent).toBeUndefined();
  });

  it('re-sends a re-valued deal with the same transactionId (Data Manager overwrites)', () => {
    const v1 = closeRecord('lead_1');
    const v2 = nextCloseVersion(v1, { value: 5000 });
    const decision = decideDataManagerLeadClosed(
      conversionOf(v2, leadRecord('lead_1'), {
        delivered: { version: 1, outcome: 'won', value: 4500, currency: 'USD', at: T0 - 1000 },
      }),
      settings,
    );
    expect(sent(decision)).toMatchObject({
      transactionId: 'lead_1',
      conversionValue: 5000,
      destinationReferences: ['won'],
    });
  });

  it('records a retraction it cannot make: won → lost and re-opened', () => {
    const v1 = closeRecord('lead_1');
    const delivered = { version: 1, outcome: 'won' as const, value: 4500, currency: 'USD', at: T0 - 1000 };
    for (const outcome of ['lost', 'reopened'] as const) {
      const v2 = nextCloseVersion(v1, { outcome, value: 0 });
      expect(
        decideDataManagerLeadClosed(conversionOf(v2, leadRecord('lead_1'), { delivered }), settings),
      ).toMatchObject({
        kind: 'skip',
        reason: 'retraction_unsupported',
      });
    }
  });

  it('fails a row that would not pass validation instead of letting it reject the batch', () => {
    const close = closeRecord('lead_1', { currency: 'usd' as string });
    expect(decideDataManagerLeadClosed(conversionOf(close, leadRecord('lead_1')), settings)).toMatchObject({
      kind: 'fail',
      reason: 'invalid_row',
      message: expect.stringContaining('currency'),
    });
  });
});
