import type { OrderRecord } from '../../../domain';
import { sendValidRow } from '../../row-validation';
import { acceptedState, type CheckoutCompletedConversion, type RowDecision } from '../../types';
import { toRfc3339 } from '../formats';
import { type GooglePurchaseSettings, netUnitPrice } from '../purchase';
import {
  precheckGoogle,
  skipActionNotConfigured,
  skipIfPrecedesClick,
  skipNoIdentifier,
  takesCartData,
  usableOrderClickId,
} from '../rules';
import {
  consentOf,
  DATA_MANAGER_BATCH,
  type DataManagerCartData,
  type DataManagerEvent,
  googleUserIdentifiers,
  validateDataManagerEvent,
} from './event';

/** Order (`checkout_completed`) → a Data Manager purchase event (pure); see ../purchase.ts. */

function dataManagerCartData(order: OrderRecord, merchantCenterId: string | undefined): DataManagerCartData {
  return {
    ...(merchantCenterId ? { merchantId: merchantCenterId } : {}),
    ...(order.discount > 0 ? { transactionDiscount: order.discount } : {}),
    ...(order.coupons.length > 0 ? { couponCodes: order.coupons } : {}),
    // int64 fields are strings in Google's JSON mapping (proto3 JSON).
    items: order.lines.map((line) => ({
      merchantProductId: line.id,
      quantity: String(line.quantity),
      unitPrice: netUnitPrice(line),
    })),
  };
}

export function decideDataManagerCheckoutCompleted(
  conversion: CheckoutCompletedConversion,
  settings: GooglePurchaseSettings,
): RowDecision<DataManagerEvent> {
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  if (!settings.actions.purchase) return skipActionNotConfigured('purchase');
  const { order } = conversion;
  const click = usableOrderClickId(order, settings.clickWindowMs);
  const precedes = skipIfPrecedesClick(click);
  if (precedes) return precedes;
  const { clickId } = click;
  const userIdentifiers = googleUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(click);
  const consent = consentOf(conversion.consent);
  const event: DataManagerEvent = {
    destinationReferences: ['purchase'],
    transactionId: order.orderId,
    eventTimestamp: toRfc3339(order.occurredAt),
    lastUpdatedTimestamp: toRfc3339(order.updatedAt),
    conversionValue: order.value,
    currency: order.currency,
    // The order was placed on the website when the sender gave its page.
    eventSource: order.pageUrl ? 'WEB' : 'OTHER',
    ...(clickId
      ? { adIdentifiers: { [clickId.type]: clickId.value } as DataManagerEvent['adIdentifiers'] }
      : {}),
    ...(userIdentifiers.length > 0 ? { userData: { userIdentifiers } } : {}),
    ...(consent ? { consent } : {}),
    ...(takesCartData(clickId) ? { cartData: dataManagerCartData(order, settings.merchantCenterId) } : {}),
  };
  return sendValidRow(event, validateDataManagerEvent(event), DATA_MANAGER_BATCH, acceptedState(conversion));
}
