import type { ConsentRecord } from './consent';
import type { ClickIds, HashedIdentity } from './identity';

/**
 * One line of an order, as the destinations need it (the seed's Product Object, trimmed). Amounts are in
 * the order's currency (converted with the seed's `exchange_rate` when a product has its own currency).
 */
export type OrderLine = {
  id: string;
  name: string;
  /** Selling price of one unit, after the product's own discounts (seed `price`). */
  price: number;
  /** One unit before discounts (seed `price_base`). */
  basePrice: number;
  quantity: number;
  priceIncludesTax: boolean;
  taxPercent?: number;
  brand?: string;
  category?: string;
  variant?: string;
  /** Product-level coupon names. */
  coupons?: string[];
};

/**
 * A `checkout_completed` as stored (`ORDER#<orderId>`): written once, never versioned (a repeated
 * `event.id` is a duplicate, dropped). Like a lead it keeps click IDs, hashed identity and consent, never
 * a plaintext email, phone, name or street.
 */
export type OrderRecord = {
  kind: 'order';
  orderId: string;
  /**
   * The pipeline's subject key (`order:<orderId>`, orderSubjectKey below): the `subjectKey` of this order's
   * deliveries, under which the pipeline handles it like a close.
   */
  subjectKey: string;
  /** An order joins no lead: it brings its own click IDs and identity. */
  leadId?: undefined;
  /** Always 1: an order is never re-versioned (deliveries are planned per subject version). */
  version: number;
  /** When the order was completed (ms): the conversion time. */
  occurredAt: number;
  value: number;
  currency: string;
  lines: OrderLine[];
  /** Total shipping charged, in the order's currency. */
  shipping: number;
  /** Tax contained in or added to the lines and shipping, derived from their `tax_percent`. */
  tax?: number;
  /** Order-level coupon names and the sum of their values. */
  coupons: string[];
  discount: number;
  pageUrl?: string;
  clickIds: ClickIds;
  identity: HashedIdentity;
  userId?: string;
  consent?: ConsentRecord;
  ipAddress?: string;
  userAgent?: string;
  recordedAt: number;
  updatedAt: number;
  /** Deliveries not yet planned: the order sits in the due index until they are. */
  planned: boolean;
};

/**
 * An order's subject key: what the delivery pipeline keys its deliveries by (`DELIVERY#order:<id>#…`),
 * alongside close keys (lead IDs). The prefix keeps an order and a lead of the same ID apart.
 */
const ORDER_SUBJECT_PREFIX = 'order:';

export function orderSubjectKey(orderId: string): string {
  return `${ORDER_SUBJECT_PREFIX}${orderId}`;
}

/** The order ID of an order subject key, or undefined for a close key. */
export function orderIdOfSubjectKey(subjectKey: string): string | undefined {
  return subjectKey.startsWith(ORDER_SUBJECT_PREFIX)
    ? subjectKey.slice(ORDER_SUBJECT_PREFIX.length)
    : undefined;
}
