import type { OrderLine, OrderRecord } from '../../domain';
import { acceptedState, type CheckoutCompletedConversion, type RowDecision } from '../types';
import {
  ADS_CONVERSIONS_BATCH,
  type AdsApiRow,
  type AdsCartData,
  adsUserIdentifiers,
  type ClickConversion,
  conversionActionResource,
  validateClickConversion,
} from './ads-api-mapping';
import {
  consentOf,
  DATA_MANAGER_BATCH,
  type DataManagerCartData,
  type DataManagerEvent,
  googleUserIdentifiers,
  validateDataManagerEvent,
} from './data-manager-mapping';
import { toAdsDateTime, toRfc3339 } from './formats';
import {
  chooseClickId,
  type GoogleActions,
  precheckGoogle,
  skipActionNotConfigured,
  skipNoIdentifier,
} from './rules';

/**
 * Order (`checkout_completed`) → a Google purchase conversion (pure), through Data Manager or the legacy
 * Ads API, on the conversion action GOOGLE_ADS_CONVERSION_ACTION_PURCHASE. `transactionId` / `orderId` is
 * the order ID: Google keeps one conversion per order and action, so a repeat is never counted twice.
 */
export type GooglePurchaseSettings = { actions: GoogleActions; merchantCenterId: string | undefined };

/**
 * Cart items' unit price "excluding tax, shipping, and any transaction level discounts" (Data Manager Item
 * and Ads API CartData.Item): a price that includes tax at a known rate is taken net of it.
 */
export function netUnitPrice(line: OrderLine): number {
  const gross =
    line.priceIncludesTax && line.taxPercent ? line.price / (1 + line.taxPercent / 100) : line.price;
  return Math.round(gross * 100) / 100;
}

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

export function buildDataManagerPurchaseDecision(
  conversion: CheckoutCompletedConversion,
  settings: GooglePurchaseSettings,
): RowDecision<DataManagerEvent> {
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  if (!settings.actions.purchase) return skipActionNotConfigured('purchase');
  const { order } = conversion;
  // The order brought its own click: no lead capture time to measure the click window from.
  const clickId = chooseClickId(order.clickIds);
  const userIdentifiers = googleUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(false);
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
    cartData: dataManagerCartData(order, settings.merchantCenterId),
  };
  const problem = validateDataManagerEvent(event);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  return { kind: 'send', row: event, batch: DATA_MANAGER_BATCH, accepted: acceptedState(conversion) };
}

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

export function buildAdsApiPurchaseDecision(
  conversion: CheckoutCompletedConversion,
  settings: GooglePurchaseSettings & { customerId: string },
): RowDecision<AdsApiRow> {
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  const actionId = settings.actions.purchase;
  if (!actionId) return skipActionNotConfigured('purchase');
  const { order } = conversion;
  const clickId = chooseClickId(order.clickIds);
  const userIdentifiers = adsUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(false);
  const cartData = adsCartData(order, settings.merchantCenterId);
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
  const problem = validateClickConversion(clickConversion);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  return {
    kind: 'send',
    row: clickConversion,
    batch: ADS_CONVERSIONS_BATCH,
    accepted: acceptedState(conversion),
  };
}
