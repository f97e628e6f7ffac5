import { describe, expect, it } from 'vitest';
import { CRM_DISPLAY_NAMES } from '../../lib/crm/registry';
import type { OrderRecord } from '../../lib/domain';
import { sha256Hex } from '../../lib/leads/hash';
import { conversionFor } from '../../lib/pipeline/conversion';
import { DAY, HOUR, T0 } from '../support/clock';
import { allDestinations, decideFor, sentRow } from '../support/destinations';
import { checkoutSeedBody, checkoutWithBrowserBody, orderOf } from '../support/orders';

/**
 * The seed's checkout_completed example (two products, shipping, a card payment, an order coupon, user,
 * consent), as a shop's server pushes it with the browser's cookies, mapped by every destination.
 */
const destinations = allDestinations();
const order = orderOf(checkoutWithBrowserBody(), T0);
const conversion = (subject: OrderRecord = order, now = T0) =>
  conversionFor(subject, undefined, undefined, now, CRM_DISPLAY_NAMES);
const decide = (name: string, subject: OrderRecord = order, now = T0) =>
  decideFor(
    destinations.get(name) as NonNullable<ReturnType<typeof destinations.get>>,
    conversion(subject, now),
  );

const EMAIL = sha256Hex('customer@example.com');
const { meta, google } = order.identity;

describe("the seed's checkout_completed example", () => {
  it('is a Meta Purchase: website event with content_ids, contents, num_items, order_id', () => {
    expect(sentRow(decide('meta'))).toEqual({
      event_name: 'Purchase',
      event_time: T0 / 1000,
      action_source: 'website',
      event_source_url: 'https://example.com/checkout/success',
      event_id: 'ord_abc123',
      user_data: {
        em: [EMAIL],
        fn: meta.fn,
        ln: meta.ln,
        ct: meta.ct,
        zp: meta.zp,
        country: meta.country,
        external_id: [sha256Hex('cust_abc123')],
        fbp: 'fb.1.1762092300000.42',
        client_ip_address: '203.0.113.20',
        client_user_agent: 'Mozilla/5.0 (checkout test)',
      },
      custom_data: {
        value: 134.97,
        currency: 'USD',
        content_ids: ['prod_tshirt_navy_m', 'prod_jeans_blue_32'],
        contents: [
          { id: 'prod_tshirt_navy_m', quantity: 2, item_price: 49.99 },
          { id: 'prod_jeans_blue_32', quantity: 1, item_price: 79.99 },
        ],
        content_type: 'product',
        num_items: 3,
        order_id: 'ord_abc123',
      },
    });
  });

  it('is an `other` Meta event when pushed without the browser user agent (Meta requires it for website)', () => {
    const bare = orderOf(checkoutSeedBody(), T0);
    const row = sentRow(decide('meta', bare)) as Record<string, unknown>;
    expect(row.action_source).toBe('other');
    expect(row).not.toHaveProperty('event_source_url');
  });

  it('is a Data Manager purchase event: transactionId = order ID, value, currency, cart data', () => {
    expect(sentRow(decide('google-ads'))).toEqual({
      destinationReferences: ['purchase'],
      transactionId: 'ord_abc123',
      eventTimestamp: '2026-11-20T10:00:00.000Z',
      lastUpdatedTimestamp: '2026-11-20T10:00:00.000Z',
      conversionValue: 134.97,
      currency: 'USD',
      eventSource: 'WEB',
      adIdentifiers: { gclid: 'EAIaIQobChMI-order-gclid' },
      userData: {
        userIdentifiers: [
          { emailAddress: EMAIL },
          {
            address: {
              givenName: google.givenName,
              familyName: google.familyName,
              regionCode: 'US',
              postalCode: '00000',
            },
          },
        ],
      },
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
      cartData: {
        merchantId: '7654321',
        transactionDiscount: 15,
        couponCodes: ['EXAMPLE_FIRSTORDER'],
        // Unit prices net of their 19 % tax: 49.99 / 1.19, 79.99 / 1.19.
        items: [
          { merchantProductId: 'prod_tshirt_navy_m', quantity: '2', unitPrice: 42.01 },
          { merchantProductId: 'prod_jeans_blue_32', quantity: '1', unitPrice: 67.22 },
        ],
      },
    });
  });

  it('is a legacy Ads API click conversion with orderId = order ID and cart data', () => {
    const legacy = allDestinations({ GOOGLE_ADS_UPLOAD_API: 'ads' }).get('google-ads');
    expect(sentRow(decideFor(legacy as NonNullable<typeof legacy>, conversion()))).toEqual({
      gclid: 'EAIaIQobChMI-order-gclid',
      conversionAction: 'customers/1234567890/conversionActions/333333',
      conversionDateTime: '2026-11-20 10:00:00+00:00',
      conversionValue: 134.97,
      currencyCode: 'USD',
      orderId: 'ord_abc123',
      userIdentifiers: [{ hashedEmail: EMAIL }],
      consent: { adUserData: 'GRANTED' },
      cartData: {
        merchantId: '7654321',
        localTransactionCost: 15,
        items: [
          { productId: 'prod_tshirt_navy_m', quantity: 2, unitPrice: 42.01 },
          { productId: 'prod_jeans_blue_32', quantity: 1, unitPrice: 67.22 },
        ],
      },
    });
  });

  it('is a GA4 purchase with transaction_id, items, value, currency, tax, shipping, coupon', () => {
    expect(sentRow(decide('ga4'))).toEqual({
      client_id: '1234567890.1762092300',
      user_id: 'cust_abc123',
      consent: { ad_user_data: 'GRANTED', ad_personalization: 'GRANTED' },
      event: {
        name: 'purchase',
        params: {
          transaction_id: 'ord_abc123',
          value: 134.97,
          currency: 'USD',
          tax: 30.33,
          shipping: 9.99,
          coupon: 'EXAMPLE_FIRSTORDER',
          items: [
            {
              item_id: 'prod_tshirt_navy_m',
              item_name: 'Example Cotton T-Shirt - Navy / M',
              price: 49.99,
              quantity: 2,
              item_brand: 'Example Brand',
              item_category: 'Apparel',
              item_variant: 'Navy / M',
              coupon: 'EXAMPLE_SEASONAL',
              discount: 10,
            },
            {
              item_id: 'prod_jeans_blue_32',
              item_name: 'Example Slim Jeans - Indigo / 32',
              price: 79.99,
              quantity: 1,
              item_brand: 'Example Brand',
              item_category: 'Apparel',
              item_variant: 'Indigo / 32',
              discount: 10,
            },
          ],
        },
        timestamp_micros: T0 * 1000,
      },
    });
  });

  it('is a TikTok Purchase from the web, with hashed email and external_id, ttclid and contents', () => {
    const decision = decide('tiktok');
    expect(decision).toMatchObject({ kind: 'send', batch: 'web' });
    expect(sentRow(decision)).toEqual({
      event: 'Purchase',
      event_time: T0 / 1000,
      event_id: 'ord_abc123',
      user: {
        email: [EMAIL],
        external_id: [sha256Hex('cust_abc123')],
        ttclid: 'E.C.P.test-ttclid',
        ip: '203.0.113.20',
        user_agent: 'Mozilla/5.0 (checkout test)',
      },
      properties: {
        value: 134.97,
        currency: 'USD',
        content_type: 'product',
        contents: [
          {
            content_id: 'prod_tshirt_navy_m',
            content_name: 'Example Cotton T-Shirt - Navy / M',
            quantity: 2,
            price: 49.99,
          },
          {
            content_id: 'prod_jeans_blue_32',
            content_name: 'Example Slim Jeans - Indigo / 32',
            quantity: 1,
            price: 79.99,
          },
        ],
        order_id: 'ord_abc123',
      },
      page: { url: 'https://example.com/checkout/success' },
    });
    const completePayment = allDestinations({ TIKTOK_PURCHASE_EVENT: 'CompletePayment' }).get('tiktok');
    expect(
      sentRow(decideFor(completePayment as NonNullable<typeof completePayment>, conversion())),
    ).toMatchObject({
      event: 'CompletePayment',
    });
  });

  it('hashes the phone for TikTok as SHA-256 of E.164 (Google’s phone hash)', () => {
    const body = checkoutWithBrowserBody();
    const withPhone = orderOf(
      { ...body, user: { ...(body.user as object), phone: '+1 (415) 555-0100' } },
      T0,
    );
    expect((sentRow(decide('tiktok', withPhone)) as { user: { phone: string[] } }).user.phone).toEqual([
      sha256Hex('+14155550100'),
    ]);
  });
});

describe('checkout_completed: what is not sent', () => {
  const refused = (consent: Record<string, boolean>) => {
    const body = checkoutWithBrowserBody();
    return orderOf(
      { ...body, consent: { analytics: true, personalization: true, marketing: true, ...consent } },
      T0,
    );
  };

  it('marketing consent false: nothing to the ad platforms; GA4 (analytics) still measures, ad signals denied', () => {
    const noMarketing = refused({ marketing: false });
    for (const name of ['google-ads', 'meta', 'tiktok']) {
      expect(decide(name, noMarketing)).toMatchObject({ kind: 'skip', reason: 'consent' });
    }
    expect(sentRow(decide('ga4', noMarketing))).toMatchObject({
      consent: { ad_user_data: 'DENIED', ad_personalization: 'DENIED' },
    });
  });

  it('analytics consent false: nothing to GA4', () => {
    expect(decide('ga4', refused({ analytics: false }))).toMatchObject({ kind: 'skip', reason: 'consent' });
  });

  it('GA4 without a captured _ga client ID: skipped:no_client_id (none is invented)', () => {
    expect(decide('ga4', orderOf(checkoutSeedBody(), T0))).toMatchObject({
      kind: 'skip',
      reason: 'no_client_id',
    });
  });

  it('GA4 only within 72 hours; Meta only within 7 days', () => {
    const old = { ...order, occurredAt: T0 - 73 * HOUR };
    expect(decide('ga4', old)).toMatchObject({ kind: 'skip', reason: 'expired' });
    expect(decide('ga4', { ...order, occurredAt: T0 - 71 * HOUR })).toMatchObject({ kind: 'send' });
    expect(decide('meta', { ...order, occurredAt: T0 - 8 * DAY })).toMatchObject({
      kind: 'skip',
      reason: 'expired',
    });
  });

  it('Google without a purchase action: skipped:not_configured', () => {
    const noPurchase = allDestinations({ GOOGLE_ADS_CONVERSION_ACTION_PURCHASE: '' }).get('google-ads');
    expect(decideFor(noPurchase as NonNullable<typeof noPurchase>, conversion())).toMatchObject({
      kind: 'skip',
      reason: 'not_configured',
    });
  });

  it('legacy Ads API mode without a Merchant Center ID sends no cart data', () => {
    const legacy = allDestinations({ GOOGLE_ADS_UPLOAD_API: 'ads', GOOGLE_ADS_MERCHANT_CENTER_ID: '' }).get(
      'google-ads',
    );
    expect(sentRow(decideFor(legacy as NonNullable<typeof legacy>, conversion()))).not.toHaveProperty(
      'cartData',
    );
  });

  it('GA4 never receives an email or phone as user_id', () => {
    const body = checkoutWithBrowserBody();
    const emailAsId = orderOf({ ...body, user: { ...(body.user as object), id: 'buyer@example.com' } }, T0);
    expect(sentRow(decide('ga4', emailAsId))).not.toHaveProperty('user_id');
  });
});
