import { acceptedState, type CheckoutCompletedConversion, type RowDecision } from '../types';
import { buildTiktokUser, decideTiktokEvent, skipNoEventSet, type TiktokEvent } from './event';
import type { TiktokSettings } from './settings';

/** Order (`checkout_completed`) → TikTok's `Purchase` (or `CompletePayment`, by TIKTOK_PURCHASE_EVENT), to the pixel. */
export function decideTiktokCheckoutCompleted(
  conversion: CheckoutCompletedConversion,
  settings: Pick<TiktokSettings, 'purchaseEvent' | 'pixelCode'>,
): RowDecision<TiktokEvent> {
  const { order } = conversion;
  if (!settings.pixelCode) return skipNoEventSet('TIKTOK_PIXEL_CODE', 'orders');
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the buyer refused marketing consent' };
  }
  const event: TiktokEvent = {
    event: settings.purchaseEvent,
    event_time: Math.floor(Math.min(order.occurredAt, conversion.now) / 1000),
    // The order ID, as the browser pixel sends it: TikTok keeps one of the two.
    event_id: order.orderId,
    user: buildTiktokUser(conversion.identity, order.clickIds, {
      externalId: order.userId,
      ip: order.ipAddress,
      userAgent: order.userAgent,
    }),
    properties: {
      value: order.value,
      currency: order.currency,
      content_type: 'product',
      contents: order.lines.map((line) => ({
        content_id: line.id,
        content_name: line.name,
        quantity: line.quantity,
        price: line.price,
      })),
      order_id: order.orderId,
    },
    ...(order.pageUrl ? { page: { url: order.pageUrl } } : {}),
  };
  return decideTiktokEvent(event, 'web', acceptedState(conversion));
}
