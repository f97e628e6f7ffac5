import type { OrderLine } from '../../domain';
import type { GoogleActions } from './rules';

/**
 * Order (`checkout_completed`) → a Google purchase conversion (pure), through Data Manager or the legacy
 * Ads API, on the conversion action GOOGLE_ADS_CONVERSION_ACTION_PURCHASE. `transactionId` / `orderId` is
 * the order ID: Google keeps one conversion per order and action, so a repeat is never counted twice.
 */
export type GooglePurchaseSettings = {
  actions: GoogleActions;
  merchantCenterId: string | undefined;
  /** GOOGLE_ADS_CLICK_WINDOW_DAYS in ms. */
  clickWindowMs: number;
};

/**
 * Cart items' unit price "excluding tax, shipping, and any transaction level discounts" (Data Manager Item
 * and Ads API CartData.Item): a price that includes tax at a known rate is taken net of it.
 */
export function netUnitPrice(line: OrderLine): number {
  const gross =
    line.priceIncludesTax && line.taxPercent ? line.price / (1 + line.taxPercent / 100) : line.price;
  return Math.round(gross * 100) / 100;
}
