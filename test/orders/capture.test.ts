import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CheckoutCompletedEventSchema, isUnpaidPaymentStatus } from '../../lib/events/checkout-completed';
import { sha256Hex } from '../../lib/leads/hash';
import { toOrderCurrency } from '../../lib/orders/capture';
import { T0 } from '../support/clock';
import { checkoutSeedBody, checkoutWithBrowserBody, orderOf, parseCheckout } from '../support/orders';

const SEED_PLAINTEXT = [
  'customer@example.com',
  '+10000000000',
  'Example First Name',
  'Example Last Name',
  '123 Sample Street',
  'Example City',
];

describe('orderFromCheckout', () => {
  it("keeps what the destinations need of the seed's example, in the order's currency", () => {
    const order = orderOf(checkoutSeedBody(), T0);

    expect(order).toEqual({
      kind: 'order',
      orderId: 'ord_abc123',
      subjectKey: 'order:ord_abc123',
      version: 1,
      occurredAt: T0,
      value: 134.97,
      currency: 'USD',
      lines: [
        {
          id: 'prod_tshirt_navy_m',
          name: 'Example Cotton T-Shirt - Navy / M',
          price: 49.99,
          basePrice: 59.99,
          quantity: 2,
          priceIncludesTax: true,
          taxPercent: 19,
          brand: 'Example Brand',
          category: 'Apparel',
          variant: 'Navy / M',
          coupons: ['EXAMPLE_SEASONAL'],
        },
        {
          id: 'prod_jeans_blue_32',
          name: 'Example Slim Jeans - Indigo / 32',
          price: 79.99,
          basePrice: 89.99,
          quantity: 1,
          priceIncludesTax: true,
          taxPercent: 19,
          brand: 'Example Brand',
          category: 'Apparel',
          variant: 'Indigo / 32',
        },
      ],
      shipping: 9.99,
      // 99.98 × 19/119 + 79.99 × 19/119 + 9.99 × 19/119 (all prices include 19 % tax)
      tax: 30.33,
      coupons: ['EXAMPLE_FIRSTORDER'],
      discount: 15,
      pageUrl: 'https://example.com/checkout/success',
      clickIds: {},
      identity: expect.objectContaining({
        meta: expect.objectContaining({ em: [sha256Hex('customer@example.com')] }),
      }),
      userId: 'cust_abc123',
      consent: {
        analytics: true,
        personalization: true,
        marketing: true,
        adUserData: true,
        adPersonalization: true,
      },
      recordedAt: T0,
      updatedAt: T0,
      planned: false,
    });
  });

  it('takes click IDs, cookies, IP and user agent from context exactly as a lead capture does', () => {
    const order = orderOf(checkoutWithBrowserBody(), T0);

    expect(order.clickIds).toEqual({
      gclid: 'EAIaIQobChMI-order-gclid',
      ttclid: 'E.C.P.test-ttclid',
      gaClientId: '1234567890.1762092300',
      fbp: 'fb.1.1762092300000.42',
    });
    expect(order.pageUrl).toBe('https://example.com/checkout/success');
    expect(order).toMatchObject({ ipAddress: '203.0.113.20', userAgent: 'Mozilla/5.0 (checkout test)' });
  });

  it('holds no plaintext identifier', () => {
    const stored = JSON.stringify(orderOf(checkoutSeedBody(), T0));
    for (const plaintext of SEED_PLAINTEXT) expect(stored).not.toContain(plaintext);
  });

  it('never dates an order after its arrival', () => {
    const body = checkoutSeedBody();
    body.event.timestamp = T0 + 60_000;
    expect(orderOf(body, T0).occurredAt).toBe(T0);
    body.event.timestamp = T0 - 60_000;
    expect(orderOf(body, T0).occurredAt).toBe(T0 - 60_000);
  });
});

describe('toOrderCurrency', () => {
  const event = parseCheckout({
    ...checkoutSeedBody(),
    event: { ...checkoutSeedBody().event, currency: 'EUR', exchange_rate: 1.1 },
  }).event;

  it('leaves amounts in the order currency as they are', () => {
    expect(toOrderCurrency(10, {}, event)).toBe(10);
    expect(toOrderCurrency(10, { currency: 'EUR', exchange_rate: 5 }, event)).toBe(10);
  });

  it("converts another currency through both rates to the seed's common base", () => {
    // 10 USD × 1.0 (USD→base) ÷ 1.1 (EUR→base) = 9.09 EUR
    expect(toOrderCurrency(10, { currency: 'USD', exchange_rate: 1 }, event)).toBe(9.09);
    // No rate of its own: the event's applies (the seed: stated only when it differs).
    expect(toOrderCurrency(10, { currency: 'USD' }, event)).toBe(10);
  });
});

describe('checkout_completed payment status', () => {
  it.each(['pending', 'Pending', 'PENDING_PAYMENT', 'unpaid', 'awaiting', 'awaiting-payment', 'not paid'])(
    'refuses %s',
    (status) => {
      expect(isUnpaidPaymentStatus(status)).toBe(true);
      const result = v.safeParse(CheckoutCompletedEventSchema, {
        ...checkoutSeedBody(),
        event: { ...checkoutSeedBody().event, properties: { payment_status: status } },
      });
      expect(result.success).toBe(false);
    },
  );

  it.each(['paid', 'captured', 'completed', undefined, 3])('accepts %s', (status) => {
    expect(isUnpaidPaymentStatus(status)).toBe(false);
  });
});
