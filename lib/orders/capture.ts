import { type OrderLine, type OrderRecord, orderSubjectKey } from '../domain';
import type { CheckoutCompletedEvent, Product } from '../events/checkout-completed';
import { captureContext, hashUserIdentity } from '../leads/capture';
import { toConsentRecord } from '../leads/consent';
import type { IdentityOptions } from '../leads/identity';

/**
 * A DATA Reshape `checkout_completed` as the order the connector stores (pure): identifiers hashed on
 * arrival, click IDs, consent, IP and user agent taken from `context` exactly as for a lead, the line
 * items trimmed to what the destinations send. Nothing in plaintext that could identify a person.
 */

/** Money as platforms take it: cents, without binary-fraction noise (49.99 × 2 = 99.98, not 99.97999…). */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}

type Priced = { currency?: string | undefined; exchange_rate?: number | undefined };

/**
 * The seed's multi-currency rule: an object states `currency` (and `exchange_rate`) only when they differ
 * from the event's. Reading `exchange_rate` as the rate to a common base (amount × rate = base), an
 * amount in another currency is worth amount × its rate ÷ the event's rate in the order's currency; an
 * object in the event's own currency needs no conversion whatever its rate says.
 */
export function toOrderCurrency(
  amount: number,
  priced: Priced,
  event: CheckoutCompletedEvent['event'],
): number {
  if (!priced.currency || priced.currency === event.currency) return amount;
  const rate = priced.exchange_rate ?? event.exchange_rate;
  return roundMoney((amount * rate) / event.exchange_rate);
}

/** Tax contained in (or added to) an amount at `percent`: included → amount × p ÷ (100 + p). */
function taxOf(amount: number, percent: number, included: boolean): number {
  return included ? (amount * percent) / (100 + percent) : (amount * percent) / 100;
}

function lineOf(product: Product, event: CheckoutCompletedEvent['event']): OrderLine {
  const variant = product.properties?.variant;
  const category = product.category ?? product.categories?.[0]?.name;
  const coupons = (product.coupons ?? []).map((coupon) => coupon.name);
  return {
    id: product.id,
    name: product.name,
    price: toOrderCurrency(product.price, product, event),
    basePrice: toOrderCurrency(product.price_base, product, event),
    quantity: product.quantity,
    priceIncludesTax: product.tax_included,
    ...(product.tax_percent !== undefined ? { taxPercent: product.tax_percent } : {}),
    ...(product.brand ? { brand: product.brand } : {}),
    ...(category ? { category } : {}),
    // The seed's examples carry the variant as the product property `variant`.
    ...(typeof variant === 'string' && variant !== '' ? { variant } : {}),
    ...(coupons.length > 0 ? { coupons } : {}),
  };
}

/**
 * Tax of the order, when the sender gave tax rates: each line's and each shipping method's share at its
 * `tax_percent` (included by default, as the seed documents for products). Undefined when no rate is known.
 */
function orderTax(lines: readonly OrderLine[], event: CheckoutCompletedEvent): number | undefined {
  let known = false;
  let tax = 0;
  for (const line of lines) {
    if (line.taxPercent === undefined) continue;
    known = true;
    tax += taxOf(line.price * line.quantity, line.taxPercent, line.priceIncludesTax);
  }
  for (const shipping of event.shipping) {
    if (shipping.tax_percent === undefined) continue;
    known = true;
    tax += taxOf(
      toOrderCurrency(shipping.value, shipping, event.event),
      shipping.tax_percent,
      shipping.tax_included ?? true,
    );
  }
  return known ? roundMoney(tax) : undefined;
}

export function orderFromCheckout(
  event: CheckoutCompletedEvent,
  receivedAt: number,
  options: IdentityOptions = {},
): OrderRecord {
  // Without a time from the sender, arrival is the best estimate; never a time ahead of our clock.
  const occurredAt = Math.min(event.event.timestamp ?? receivedAt, receivedAt);
  const lines = event.products.map((product) => lineOf(product, event.event));
  const coupons = event.coupons ?? [];
  const consent = toConsentRecord(event.consent);
  const tax = orderTax(lines, event);
  return {
    kind: 'order',
    orderId: event.event.id,
    subjectKey: orderSubjectKey(event.event.id),
    version: 1,
    occurredAt,
    value: event.event.value,
    currency: event.event.currency,
    lines,
    shipping: roundMoney(
      event.shipping.reduce(
        (sum, shipping) => sum + toOrderCurrency(shipping.value, shipping, event.event),
        0,
      ),
    ),
    ...(tax !== undefined ? { tax } : {}),
    coupons: coupons.map((coupon) => coupon.name),
    discount: roundMoney(
      coupons.reduce((sum, coupon) => sum + toOrderCurrency(coupon.value ?? 0, coupon, event.event), 0),
    ),
    ...captureContext(event.context, occurredAt),
    identity: hashUserIdentity(event.user, options),
    ...(event.user?.id ? { userId: event.user.id } : {}),
    ...(consent ? { consent } : {}),
    recordedAt: receivedAt,
    updatedAt: receivedAt,
    planned: false,
  };
}
