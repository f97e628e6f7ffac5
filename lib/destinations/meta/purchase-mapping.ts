import * as v from 'valibot';
import { isValidFbc, isValidFbp } from '../../leads/click-ids';
import { sha256Hex } from '../../leads/hash';
import type { CheckoutCompletedConversion, RowDecision } from '../types';
import { hasMetaMatchKey, META_BATCH, META_EVENT_WINDOW_MS, type MetaUserData } from './mapping';

/**
 * Order (`checkout_completed`) → Meta Conversions API `Purchase` (pure). Facts from platform-apis.md §2 and
 * Meta's "Standard events" / "Custom Data" pages: custom_data `value`, `currency`, `content_ids`,
 * `contents[{id, quantity, item_price}]`, `content_type: "product"`, `num_items`, `order_id`; `event_id`
 * = the order ID, the same one the browser pixel sends, so Meta counts the purchase once (de-duplication
 * on event_name + event_id within 48 hours).
 *
 * `action_source`: the purchase happened on the website, but Meta's parameters page says "Website events
 * shared using the Conversions API require the client_user_agent, action_source, and event_source_url
 * parameters". An order that comes with its page URL and the buyer's user agent is a `website` event with
 * `event_source_url`; one pushed without them (e.g. from a back-office order webhook) is sent as `other`,
 * which Meta accepts without browser fields, rather than as a website event Meta would find incomplete.
 */
export type MetaPurchaseEvent = {
  event_name: 'Purchase';
  event_time: number;
  action_source: 'website' | 'other';
  event_source_url?: string;
  event_id: string;
  user_data: Omit<MetaUserData, 'external_id' | 'lead_id'> & { external_id?: string[] };
  custom_data: {
    value: number;
    currency: string;
    content_ids: string[];
    contents: { id: string; quantity: number; item_price: number }[];
    content_type: 'product';
    num_items: number;
    order_id: string;
  };
};

// A row decided now may be sent a little later in the same run: keep clear of the edge.
const WINDOW_SAFETY_MS = 10 * 60_000;

const HEX = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'));
const MetaPurchaseEventSchema = v.object({
  event_name: v.literal('Purchase'),
  event_time: v.pipe(v.number(), v.integer(), v.minValue(1_000_000_000)),
  action_source: v.picklist(['website', 'other']),
  event_source_url: v.optional(v.pipe(v.string(), v.url())),
  event_id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  user_data: v.object({
    em: v.optional(v.array(HEX)),
    ph: v.optional(v.array(HEX)),
    fn: v.optional(HEX),
    ln: v.optional(HEX),
    ct: v.optional(HEX),
    st: v.optional(HEX),
    zp: v.optional(HEX),
    country: v.optional(HEX),
    ge: v.optional(HEX),
    db: v.optional(HEX),
    external_id: v.optional(v.array(HEX)),
    fbc: v.optional(v.pipe(v.string(), v.check(isValidFbc, 'must be fb.<0-2>.<ms>.<fbclid>'))),
    fbp: v.optional(v.pipe(v.string(), v.check(isValidFbp, 'must be fb.<0-2>.<ms>.<random>'))),
    client_ip_address: v.optional(v.pipe(v.string(), v.ip())),
    client_user_agent: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
  }),
  custom_data: v.object({
    value: v.pipe(v.number(), v.finite(), v.minValue(0)),
    currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
    content_ids: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1)),
    contents: v.array(
      v.object({
        id: v.pipe(v.string(), v.minLength(1)),
        quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
        item_price: v.pipe(v.number(), v.finite(), v.minValue(0)),
      }),
    ),
    content_type: v.literal('product'),
    num_items: v.pipe(v.number(), v.integer(), v.minValue(1)),
    order_id: v.pipe(v.string(), v.minLength(1)),
  }),
});

export function validateMetaPurchase(event: MetaPurchaseEvent): string | undefined {
  const result = v.safeParse(MetaPurchaseEventSchema, event);
  if (result.success) return undefined;
  const issue = result.issues[0];
  const field = (issue?.path ?? []).map((item) => String(item.key)).join('.') || 'event';
  return `${field}: ${issue?.message ?? 'invalid'}`;
}

function purchaseUserData(conversion: CheckoutCompletedConversion): MetaPurchaseEvent['user_data'] {
  const { order } = conversion;
  const meta = conversion.identity.meta;
  const { fbc, fbp } = order.clickIds;
  const fields = {
    em: meta?.em?.length ? meta.em : undefined,
    ph: meta?.ph?.length ? meta.ph : undefined,
    fn: meta?.fn,
    ln: meta?.ln,
    ct: meta?.ct,
    st: meta?.st,
    zp: meta?.zp,
    country: meta?.country,
    ge: meta?.ge,
    db: meta?.db,
    // The customer's own ID (seed user.id), hashed as Meta recommends; the pixel's external_id should match.
    external_id: order.userId ? [sha256Hex(order.userId)] : undefined,
    fbc: fbc && isValidFbc(fbc) ? fbc : undefined,
    fbp: fbp && isValidFbp(fbp) ? fbp : undefined,
    client_ip_address: order.ipAddress,
    client_user_agent: order.userAgent,
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as MetaPurchaseEvent['user_data'];
}

export function buildMetaPurchaseDecision(
  conversion: CheckoutCompletedConversion,
): RowDecision<MetaPurchaseEvent> {
  const { order } = conversion;
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the buyer refused marketing consent' };
  }
  if (conversion.now - order.occurredAt > META_EVENT_WINDOW_MS - WINDOW_SAFETY_MS) {
    return {
      kind: 'skip',
      reason: 'expired',
      message: 'ordered more than 7 days ago: outside Meta’s event window',
    };
  }
  const userData = purchaseUserData(conversion);
  if (!hasMetaMatchKey({ external_id: [], ...userData })) {
    return {
      kind: 'skip',
      reason: 'no_identifier',
      message: 'no hashed email, phone or name+locality, and no fbc/fbp',
    };
  }
  const website = Boolean(order.pageUrl && order.userAgent);
  const event: MetaPurchaseEvent = {
    event_name: 'Purchase',
    event_time: Math.floor(Math.min(order.occurredAt, conversion.now) / 1000),
    action_source: website ? 'website' : 'other',
    ...(website ? { event_source_url: order.pageUrl } : {}),
    event_id: order.orderId,
    user_data: userData,
    custom_data: {
      value: order.value,
      currency: order.currency,
      content_ids: order.lines.map((line) => line.id),
      contents: order.lines.map((line) => ({ id: line.id, quantity: line.quantity, item_price: line.price })),
      content_type: 'product',
      num_items: order.lines.reduce((sum, line) => sum + line.quantity, 0),
      order_id: order.orderId,
    },
  };
  const problem = validateMetaPurchase(event);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  return {
    kind: 'send',
    row: event,
    // Orders and closes share Meta requests: the batch is the same.
    batch: META_BATCH,
    accepted: {
      version: order.version,
      outcome: 'purchased',
      value: order.value,
      currency: order.currency,
      at: conversion.now,
      conversionAt: order.occurredAt,
    },
  };
}
