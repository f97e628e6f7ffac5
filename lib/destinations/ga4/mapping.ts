import type { ConsentRecord, OrderRecord } from '../../domain';
import { sha256Hex } from '../../leads/hash';
import { decideUnadjustableChange, decideWithdrawnClose } from '../close-changes';
import { WINDOW_SAFETY_MS } from '../row-validation';
import {
  acceptedState,
  type CheckoutCompletedConversion,
  type DeliveredState,
  type LeadClosedConversion,
  type RequestDescription,
  type RowDecision,
} from '../types';
import { fallbackClientId, ga4TransactionId, sendableUserId } from './identifiers';
import { bodyBytes, GA4_MAX_BODY_BYTES } from './request-size';
import type { Ga4ClientIdFallback, Ga4LeadClosedEvent, Ga4Settings } from './settings';
import { GA4_BACKDATE_WINDOW_MS, GA4_MAX_ITEMS, GA4_MAX_VALUE_LENGTH, validateGa4Row } from './validation';

/**
 * Closes and orders → GA4 Measurement Protocol events (pure). Sources: platform-apis.md §3; Google's
 * "Send Measurement Protocol events" guide (body {client_id, user_id?, consent{ad_user_data,
 * ad_personalization}, events[{name, params, timestamp_micros?}]}, at most 25 events a request, events
 * backdated by at most 72 hours) and its limitations (event and parameter names ≤ 40 characters, starting
 * with a letter, letters, digits and underscores only, no `google_` / `ga_` / `firebase_` prefix; ≤ 25
 * parameters an event; parameter values ≤ 100 characters; ≤ 200 items); the GA4 events reference for
 * `purchase` (transaction_id, value, currency, tax, shipping, coupon, items[{item_id, item_name, price,
 * quantity, item_brand, item_category, item_variant, coupon, discount}]) and the lead events
 * `close_convert_lead` / `close_unconvert_lead` (currency, value, unconvert_lead_reason).
 *
 * The Measurement Protocol answers 2xx to anything, so every rule it would silently apply is checked here.
 */

export type Ga4ConsentStatus = 'GRANTED' | 'DENIED';
export type Ga4Consent = { ad_user_data: Ga4ConsentStatus; ad_personalization: Ga4ConsentStatus };
export type Ga4ParamValue = string | number | Ga4Item[];
export type Ga4Item = Record<string, string | number>;
export type Ga4Event = { name: string; params: Record<string, Ga4ParamValue>; timestamp_micros: number };

/**
 * One event and the request-level fields it needs: `client_id`, `user_id` and `consent` belong to the
 * request, so only events of the same user and consent can share one (the batch key says so).
 */
export type Ga4Row = { client_id: string; user_id?: string; consent?: Ga4Consent; event: Ga4Event };

export { GA4_MAX_EVENTS, validateGa4Row } from './validation';

function consentOf(consent: ConsentRecord | undefined): Ga4Consent | undefined {
  if (!consent) return undefined;
  const status = (granted: boolean): Ga4ConsentStatus => (granted ? 'GRANTED' : 'DENIED');
  return { ad_user_data: status(consent.adUserData), ad_personalization: status(consent.adPersonalization) };
}

/** Text GA4 would cut (or drop) past 100 characters: cut here so what is recorded is what GA4 keeps. */
function text(value: string): string {
  return value.length > GA4_MAX_VALUE_LENGTH ? value.slice(0, GA4_MAX_VALUE_LENGTH) : value;
}

function withoutUndefined<TRecord extends Record<string, unknown>>(record: TRecord) {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [TKey in keyof TRecord]: Exclude<TRecord[TKey], undefined>;
  };
}

/** Rows of the same user and consent share requests; the key never leaves the process. */
export function ga4BatchKey(row: Pick<Ga4Row, 'client_id' | 'user_id' | 'consent'>): string {
  return `user:${sha256Hex(JSON.stringify([row.client_id, row.user_id ?? null, row.consent ?? null]))}`;
}

type Common = {
  clientId: string | undefined;
  userId: string | undefined;
  consent: ConsentRecord | undefined;
};

/**
 * What both event types share: analytics consent, a GA4 client ID (from the `_ga` cookie captured with the
 * lead or order), the 72-hour window. No client ID → `skipped:no_client_id` by default: GA4 needs one, and
 * an invented one starts a new user without the visitor's session or traffic source; with
 * GA4_CLIENT_ID_FALLBACK=user_id one is derived from the user's (or lead's) ID instead (README: its cost).
 */
function withClientId(common: Common, fallback: Ga4ClientIdFallback, subjectId: string | undefined): Common {
  if (common.clientId || fallback !== 'user_id') return common;
  const id = common.userId ?? subjectId;
  return id ? { ...common, clientId: fallbackClientId(id) } : common;
}

function precheck(common: Common, occurredAt: number, now: number): RowDecision<never> | undefined {
  if (common.consent?.analytics === false) {
    return { kind: 'skip', reason: 'consent', message: 'analytics consent was refused' };
  }
  if (!common.clientId) {
    return {
      kind: 'skip',
      reason: 'no_client_id',
      message: 'no GA4 client ID (_ga cookie) was captured; GA4 cannot attribute the event to a visitor',
    };
  }
  if (now - occurredAt > GA4_BACKDATE_WINDOW_MS - WINDOW_SAFETY_MS) {
    return { kind: 'skip', reason: 'expired', message: 'older than 72 hours: GA4 takes no older events' };
  }
  return undefined;
}

function send(
  common: Common & { clientId: string },
  event: Ga4Event,
  accepted: DeliveredState,
): RowDecision<Ga4Row> {
  const consent = consentOf(common.consent);
  const userId = sendableUserId(common.userId);
  const row: Ga4Row = {
    client_id: common.clientId,
    ...(userId ? { user_id: userId } : {}),
    ...(consent ? { consent } : {}),
    event,
  };
  const problem = validateGa4Row(row);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  if (bodyBytes(ga4RequestOf([row], '')) >= GA4_MAX_BODY_BYTES) {
    return { kind: 'fail', reason: 'too_large', message: 'one event alone is over GA4’s 130 kB body limit' };
  }
  return { kind: 'send', row, batch: ga4BatchKey(row), accepted };
}

function micros(ms: number, now: number): number {
  return Math.min(ms, now) * 1000;
}

/** The GA4 event name of a close: the recommended lead events by default, or one custom `lead_closed`. */
export function ga4LeadEventName(naming: Ga4LeadClosedEvent, outcome: 'won' | 'lost'): string {
  if (naming === 'lead_closed') return 'lead_closed';
  return outcome === 'won' ? 'close_convert_lead' : 'close_unconvert_lead';
}

export function buildGa4LeadDecision(
  conversion: LeadClosedConversion,
  settings: Pick<Ga4Settings, 'leadClosedEvent' | 'clientIdFallback'>,
): RowDecision<Ga4Row> {
  const { close, lead } = conversion;
  const common = withClientId(
    {
      clientId: lead?.clickIds?.gaClientId,
      userId: close.userId ?? lead?.userId,
      consent: conversion.consent,
    },
    settings.clientIdFallback,
    close.leadId,
  );
  // A close the CRM took back sends nothing, whatever the lead lacks: cancelled, or left as sent.
  const withdrawn = decideWithdrawnClose(conversion, { platform: 'GA4' });
  if (withdrawn) return withdrawn;
  const checked = precheck(common, close.closedAt, conversion.now);
  if (checked) return checked;
  const change = decideUnadjustableChange(conversion, {
    platform: 'GA4',
    // close_convert_lead and close_unconvert_lead are distinct events; one lead_closed name is not.
    outcomeNamed: settings.leadClosedEvent === 'close_convert_lead',
    namingHint: 'GA4_LEAD_CLOSED_EVENT=close_convert_lead sends it',
  });
  if (change) return change;
  const outcome = close.outcome as 'won' | 'lost';
  const name = ga4LeadEventName(settings.leadClosedEvent, outcome);
  const params = withoutUndefined({
    currency: close.currency,
    value: close.value,
    transaction_id: ga4TransactionId(close.leadId ?? close.subjectKey),
    lead_source: conversion.crmDisplayName,
    close_outcome: outcome,
    closure_reason: close.closureReason ? text(close.closureReason) : undefined,
    // GA4's close_unconvert_lead names its reason parameter unconvert_lead_reason.
    unconvert_lead_reason:
      name === 'close_unconvert_lead' ? text(close.closureReason ?? 'unspecified') : undefined,
    sales_cycle_days: close.salesCycleDays,
    deal_type: close.dealType ? text(close.dealType) : undefined,
  });
  return send(
    { ...common, clientId: common.clientId as string },
    { name, params, timestamp_micros: micros(close.closedAt, conversion.now) },
    acceptedState(conversion),
  );
}

function purchaseItems(order: OrderRecord): Ga4Item[] {
  return order.lines.slice(0, GA4_MAX_ITEMS).map((line) =>
    withoutUndefined({
      item_id: text(line.id),
      item_name: text(line.name),
      price: line.price,
      quantity: line.quantity,
      item_brand: line.brand ? text(line.brand) : undefined,
      item_category: line.category ? text(line.category) : undefined,
      item_variant: line.variant ? text(line.variant) : undefined,
      coupon: line.coupons?.length ? text(line.coupons.join(',')) : undefined,
      // GA4's item `discount` is the unit's monetary discount.
      discount:
        line.basePrice > line.price ? Math.round((line.basePrice - line.price) * 100) / 100 : undefined,
    }),
  );
}

export function buildGa4PurchaseDecision(
  conversion: CheckoutCompletedConversion,
  settings: Pick<Ga4Settings, 'clientIdFallback'>,
): RowDecision<Ga4Row> {
  const { order } = conversion;
  const common = withClientId(
    { clientId: order.clickIds.gaClientId, userId: order.userId, consent: conversion.consent },
    settings.clientIdFallback,
    undefined,
  );
  const checked = precheck(common, order.occurredAt, conversion.now);
  if (checked) return checked;
  const params = withoutUndefined({
    transaction_id: ga4TransactionId(order.orderId),
    value: order.value,
    currency: order.currency,
    tax: order.tax,
    shipping: order.shipping,
    coupon: order.coupons.length > 0 ? text(order.coupons.join(',')) : undefined,
    items: purchaseItems(order),
  });
  return send(
    { ...common, clientId: common.clientId as string },
    { name: 'purchase', params, timestamp_micros: micros(order.occurredAt, conversion.now) },
    acceptedState(conversion),
  );
}

/** The request without the API secret (the client adds it; it is never recorded). */
export function buildGa4Request(rows: readonly Ga4Row[], settings: Ga4Settings): RequestDescription {
  return ga4RequestOf(
    rows,
    `${settings.baseUrl}/mp/collect?measurement_id=${encodeURIComponent(settings.measurementId)}`,
  );
}

function ga4RequestOf(rows: readonly Ga4Row[], url: string): RequestDescription {
  const first = rows[0];
  return {
    method: 'POST',
    url,
    body: {
      client_id: first?.client_id,
      ...(first?.user_id ? { user_id: first.user_id } : {}),
      ...(first?.consent ? { consent: first.consent } : {}),
      events: rows.map((row) => row.event),
    },
  };
}
