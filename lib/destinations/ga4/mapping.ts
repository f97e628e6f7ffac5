import * as v from 'valibot';
import { type ConsentRecord, CRM_DISPLAY_NAMES, type OrderRecord } from '../../domain';
import { sha256Hex } from '../../leads/hash';
import { decideUnadjustableChange } from '../close-changes';
import { firstRowProblem, WINDOW_SAFETY_MS } from '../row-validation';
import {
  acceptedState,
  type CheckoutCompletedConversion,
  type DeliveredState,
  type LeadClosedConversion,
  type RequestDescription,
  type RowDecision,
} from '../types';
import type { Ga4LeadClosedEvent, Ga4Settings } from './settings';

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

export const GA4_MAX_EVENTS = 25;
export const GA4_MAX_PARAMS = 25;
export const GA4_MAX_ITEMS = 200;
export const GA4_MAX_VALUE_LENGTH = 100;
/** "Events can be backdated up to 72 hours": older ones are dropped (or refused) by GA4. */
export const GA4_BACKDATE_WINDOW_MS = 72 * 3_600_000;

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const RESERVED_PREFIX = /^(google_|ga_|firebase_)/i;
// GA4 forbids personal data in user_id; a sender that uses an email or phone as its customer ID must not
// have it sent in clear.
const LOOKS_PERSONAL = /@|^\+?[\d\s().-]{7,}$/;

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

const ParamValueSchema = v.union([
  v.pipe(v.string(), v.maxLength(GA4_MAX_VALUE_LENGTH, 'must be at most 100 characters')),
  v.pipe(v.number(), v.finite()),
  v.pipe(
    v.array(
      v.pipe(
        v.record(
          v.pipe(v.string(), v.regex(NAME, 'item parameter names: a letter, then letters, digits or _')),
          v.union([v.pipe(v.string(), v.maxLength(GA4_MAX_VALUE_LENGTH)), v.pipe(v.number(), v.finite())]),
        ),
        v.check((item) => 'item_id' in item || 'item_name' in item, 'an item needs item_id or item_name'),
      ),
    ),
    v.maxLength(GA4_MAX_ITEMS, 'at most 200 items'),
  ),
]);

const Ga4RowSchema = v.object({
  client_id: v.pipe(v.string(), v.minLength(1), v.maxLength(256), v.regex(/^[\x21-\x7e]+$/)),
  user_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  consent: v.optional(
    v.object({
      ad_user_data: v.picklist(['GRANTED', 'DENIED']),
      ad_personalization: v.picklist(['GRANTED', 'DENIED']),
    }),
  ),
  event: v.object({
    name: v.pipe(
      v.string(),
      v.regex(NAME, 'event names: a letter, then letters, digits or _, at most 40'),
      v.check((name) => !RESERVED_PREFIX.test(name), 'reserved prefix'),
    ),
    params: v.pipe(
      v.record(
        v.pipe(
          v.string(),
          v.regex(NAME, 'parameter names: a letter, then letters, digits or _, at most 40'),
          v.check((name) => !RESERVED_PREFIX.test(name), 'reserved prefix'),
        ),
        ParamValueSchema,
      ),
      v.check((params) => Object.keys(params).length <= GA4_MAX_PARAMS, 'at most 25 parameters'),
    ),
    // Microseconds: 16 digits (a millisecond value here is the classic mistake).
    timestamp_micros: v.pipe(v.number(), v.integer(), v.minValue(1_000_000_000_000_000)),
  }),
});

export function validateGa4Row(row: Ga4Row): string | undefined {
  return firstRowProblem(Ga4RowSchema, row);
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
 * lead or order), the 72-hour window. No client ID → `skipped:no_client_id`: GA4 needs one, and an invented
 * one would start a new, empty user in every report instead of crediting the visitor who converted.
 */
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
  const userId = common.userId && !LOOKS_PERSONAL.test(common.userId) ? common.userId : undefined;
  const row: Ga4Row = {
    client_id: common.clientId,
    ...(userId ? { user_id: userId } : {}),
    ...(consent ? { consent } : {}),
    event,
  };
  const problem = validateGa4Row(row);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
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
  settings: Pick<Ga4Settings, 'leadClosedEvent'>,
): RowDecision<Ga4Row> {
  const { close, lead } = conversion;
  const common: Common = {
    clientId: lead?.clickIds?.gaClientId,
    userId: close.userId ?? lead?.userId,
    consent: conversion.consent,
  };
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
    transaction_id: close.leadId ?? close.subjectKey,
    lead_source: CRM_DISPLAY_NAMES[close.crm] ?? close.crm,
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
      item_id: line.id,
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

export function buildGa4PurchaseDecision(conversion: CheckoutCompletedConversion): RowDecision<Ga4Row> {
  const { order } = conversion;
  const common: Common = {
    clientId: order.clickIds.gaClientId,
    userId: order.userId,
    consent: conversion.consent,
  };
  const checked = precheck(common, order.occurredAt, conversion.now);
  if (checked) return checked;
  const params = withoutUndefined({
    transaction_id: order.orderId,
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
  const first = rows[0];
  return {
    method: 'POST',
    url: `${settings.baseUrl}/mp/collect?measurement_id=${encodeURIComponent(settings.measurementId)}`,
    body: {
      client_id: first?.client_id,
      ...(first?.user_id ? { user_id: first.user_id } : {}),
      ...(first?.consent ? { consent: first.consent } : {}),
      events: rows.map((row) => row.event),
    },
  };
}
