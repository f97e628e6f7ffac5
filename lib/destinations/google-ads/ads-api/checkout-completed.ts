import type { OrderRecord } from '../../../domain';
import { sendValidRow } from '../../row-validation';
import { acceptedState, type CheckoutCompletedConversion, type RowDecision } from '../../types';
import { toAdsDateTime } from '../formats';
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
  ADS_CONVERSIONS_BATCH,
  type AdsApiRow,
  type AdsCartData,
  adsUserIdentifiers,
  type ClickConversion,
  conversionActionResource,
  validateClickConversion,
} from './conversion';

/** Order (`checkout_completed`) → a legacy Ads API purchase ClickConversion (pure); see ../purchase.ts. */

/**
 * Legacy mode. Cart data names Merchant Center products (CartData.merchant_id; Item.product_id "must be
 * equal to the Merchant Center product identifier"), so it is sent only with GOOGLE_ADS_MERCHANT_CENTER_ID.
 */
function adsCartData(order: OrderRecord, merchantCenterId: string | undefined): AdsCartData | undefined {
  if (!merchantCenterId) return undefined;
  return {
    merchantId: merchantCenterId,
    ...(order.discount > 0 ? { localTransactionCost: order.discount } : {}),
    items: order.lines.map((line) => ({
      productId: line.id,
      quantity: line.quantity,
      unitPrice: netUnitPrice(line),
    })),
  };
}

export function decideAdsApiCheckoutCompleted(
  conversion: CheckoutCompletedConversion,
  settings: GooglePurchaseSettings & { customerId: string },
): RowDecision<AdsApiRow> {
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  const actionId = settings.actions.purchase;
  if (!actionId) return skipActionNotConfigured('purchase');
  const { order } = conversion;
  const click = usableOrderClickId(order, settings.clickWindowMs);
  const precedes = skipIfPrecedesClick(click);
  if (precedes) return precedes;
  const { clickId } = click;
  const userIdentifiers = adsUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(click);
  // Google ignores cart data beside a gbraid or wbraid (the Data Manager warning of that name).
  const cartData = takesCartData(clickId) ? adsCartData(order, settings.merchantCenterId) : undefined;
  const clickConversion: ClickConversion = {
    ...(clickId ? { [clickId.type]: clickId.value } : {}),
    conversionAction: conversionActionResource(settings.customerId, actionId),
    conversionDateTime: toAdsDateTime(order.occurredAt),
    conversionValue: order.value,
    currencyCode: order.currency,
    orderId: order.orderId,
    ...(userIdentifiers.length > 0 ? { userIdentifiers } : {}),
    ...(conversion.consent
      ? { consent: { adUserData: conversion.consent.adUserData ? 'GRANTED' : 'DENIED' } }
      : {}),
    ...(cartData ? { cartData } : {}),
  };
  return sendValidRow(
    clickConversion,
    validateClickConversion(clickConversion),
    ADS_CONVERSIONS_BATCH,
    acceptedState(conversion),
  );
}
