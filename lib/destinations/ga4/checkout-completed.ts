import type { OrderRecord } from '../../domain';
import { acceptedState, type CheckoutCompletedConversion, type RowDecision } from '../types';
import {
  type Ga4Item,
  type Ga4Row,
  ga4Text,
  precheckGa4,
  sendGa4Row,
  toTimestampMicros,
  withClientId,
  withoutUndefined,
} from './event';
import { ga4TransactionId } from './identifiers';
import type { Ga4Settings } from './settings';
import { GA4_MAX_ITEMS } from './validation';

/** Order (`checkout_completed`) → GA4's recommended `purchase` event (pure). */

function purchaseItems(order: OrderRecord): Ga4Item[] {
  return order.lines.slice(0, GA4_MAX_ITEMS).map((line) =>
    withoutUndefined({
      item_id: ga4Text(line.id),
      item_name: ga4Text(line.name),
      price: line.price,
      quantity: line.quantity,
      item_brand: line.brand ? ga4Text(line.brand) : undefined,
      item_category: line.category ? ga4Text(line.category) : undefined,
      item_variant: line.variant ? ga4Text(line.variant) : undefined,
      coupon: line.coupons?.length ? ga4Text(line.coupons.join(',')) : undefined,
      // GA4's item `discount` is the unit's monetary discount.
      discount:
        line.basePrice > line.price ? Math.round((line.basePrice - line.price) * 100) / 100 : undefined,
    }),
  );
}

export function decideGa4CheckoutCompleted(
  conversion: CheckoutCompletedConversion,
  settings: Pick<Ga4Settings, 'clientIdFallback'>,
): RowDecision<Ga4Row> {
  const { order } = conversion;
  const visitor = withClientId(
    { clientId: order.clickIds.gaClientId, userId: order.userId, consent: conversion.consent },
    settings.clientIdFallback,
    undefined,
  );
  const checked = precheckGa4(visitor, order.occurredAt, conversion.now);
  if (checked) return checked;
  const params = withoutUndefined({
    transaction_id: ga4TransactionId(order.orderId),
    value: order.value,
    currency: order.currency,
    tax: order.tax,
    shipping: order.shipping,
    coupon: order.coupons.length > 0 ? ga4Text(order.coupons.join(',')) : undefined,
    items: purchaseItems(order),
  });
  return sendGa4Row(
    { ...visitor, clientId: visitor.clientId as string },
    { name: 'purchase', params, timestamp_micros: toTimestampMicros(order.occurredAt, conversion.now) },
    acceptedState(conversion),
  );
}
