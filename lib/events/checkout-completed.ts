import * as v from 'valibot';
import {
  AmountSchema,
  ConsentSchema,
  ContextSchema,
  CurrencySchema,
  IdSchema,
  PropertiesSchema,
  StorableNumberSchema,
  TextSchema,
  TimestampSchema,
  UserSchema,
} from './common';

const ExchangeRateSchema = v.pipe(StorableNumberSchema, v.gtValue(0, 'must be greater than 0'));
const TaxPercentSchema = v.pipe(v.number(), v.minValue(0), v.maxValue(50, 'must be between 0 and 50'));

/** Seed "Coupon Object": name required. */
export const CouponSchema = v.object({
  name: TextSchema,
  value: v.optional(AmountSchema),
  tax_included: v.optional(v.boolean()),
  tax_percent: v.optional(TaxPercentSchema),
  id: v.optional(TextSchema),
  type: v.optional(TextSchema),
  currency: v.optional(CurrencySchema),
  exchange_rate: v.optional(ExchangeRateSchema),
});

/**
 * Seed "Product Object". `tax_included`, `tax_percent` and `quantity` are marked required but documented
 * with defaults (true, the site's rate, 1), so they are optional here with those defaults applied.
 */
export const ProductSchema = v.object({
  id: IdSchema,
  parent_id: v.optional(IdSchema),
  name: TextSchema,
  parent_name: v.optional(TextSchema),
  price_base: AmountSchema,
  price: AmountSchema,
  tax_included: v.optional(v.boolean(), true),
  tax_percent: v.optional(TaxPercentSchema),
  quantity: v.optional(
    v.pipe(
      v.number(),
      v.integer('must be a whole number'),
      v.minValue(1),
      v.maxValue(1_000_000, 'must be at most 1000000'),
    ),
    1,
  ),
  category: v.optional(TextSchema),
  sku: v.optional(TextSchema),
  parent_sku: v.optional(TextSchema),
  gtin: v.optional(TextSchema),
  mpn: v.optional(TextSchema),
  ean: v.optional(TextSchema),
  brand: v.optional(TextSchema),
  type: v.optional(TextSchema),
  stock_status: v.optional(v.boolean()),
  stock_location: v.optional(TextSchema),
  created_at: v.optional(StorableNumberSchema),
  url: v.optional(TextSchema),
  parent_url: v.optional(TextSchema),
  image: v.optional(TextSchema),
  images: v.optional(v.array(TextSchema)),
  categories: v.optional(v.array(v.object({ name: TextSchema, id: v.optional(TextSchema) }))),
  coupons: v.optional(v.array(CouponSchema)),
  properties: v.optional(PropertiesSchema),
  currency: v.optional(CurrencySchema),
  exchange_rate: v.optional(ExchangeRateSchema),
});
export type Product = v.InferOutput<typeof ProductSchema>;

/** Seed "Shipping Object": name and value required. */
export const ShippingSchema = v.object({
  name: TextSchema,
  value: AmountSchema,
  tax_included: v.optional(v.boolean()),
  tax_percent: v.optional(TaxPercentSchema),
  id: v.optional(TextSchema),
  type: v.optional(TextSchema),
  currency: v.optional(CurrencySchema),
  exchange_rate: v.optional(ExchangeRateSchema),
});

/** Seed "Payment Object": name and value required. */
export const PaymentSchema = v.object({
  name: TextSchema,
  value: AmountSchema,
  id: v.optional(TextSchema),
  type: v.optional(TextSchema),
});

/**
 * The seed: "Do not fire checkout_completed if the payment is still pending or unverified (e.g. bank
 * transfer awaiting confirmation, cash on delivery before pickup)". Sending only paid orders is the
 * sender's duty; a `payment_status` that says otherwise is refused rather than inflating revenue.
 */
export function isUnpaidPaymentStatus(status: unknown): boolean {
  if (typeof status !== 'string') return false;
  const normalised = status
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return (
    normalised.startsWith('pending') ||
    normalised.startsWith('awaiting') ||
    normalised === 'unpaid' ||
    normalised === 'not_paid'
  );
}

export const UNPAID_MESSAGE =
  'the payment is not confirmed (pending, unpaid or awaiting): send checkout_completed once the order is paid';

/**
 * DATA Reshape `checkout_completed` (reference/seeds/reshape-checkout_completed.txt): event{name, value,
 * currency, id}, products, shipping and payments are required; `event.id` is the order ID and the
 * de-duplication key.
 */
export const CheckoutCompletedEventSchema = v.object({
  event: v.pipe(
    v.object({
      name: v.literal('checkout_completed'),
      value: AmountSchema,
      currency: CurrencySchema,
      exchange_rate: v.optional(ExchangeRateSchema, 1),
      id: IdSchema,
      timestamp: v.optional(TimestampSchema),
      properties: v.optional(PropertiesSchema),
    }),
    v.forward(
      v.check((event) => !isUnpaidPaymentStatus(event.properties?.payment_status), UNPAID_MESSAGE),
      ['properties', 'payment_status'],
    ),
  ),
  context: v.optional(ContextSchema),
  products: v.pipe(v.array(ProductSchema), v.minLength(1, 'must list every line item of the order')),
  shipping: v.array(ShippingSchema),
  payments: v.array(PaymentSchema),
  coupons: v.optional(v.array(CouponSchema)),
  user: v.optional(UserSchema),
  consent: v.optional(ConsentSchema),
});
export type CheckoutCompletedEvent = v.InferOutput<typeof CheckoutCompletedEventSchema>;
