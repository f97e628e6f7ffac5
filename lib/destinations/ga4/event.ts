import type { ConsentRecord } from '../../domain';
import { sha256Hex } from '../../leads/hash';
import { WINDOW_SAFETY_MS } from '../row-validation';
import type { DeliveredState, RowDecision } from '../types';
import { fallbackClientId, sendableUserId } from './identifiers';
import { bodyBytes, GA4_MAX_BODY_BYTES } from './request-size';
import type { Ga4ClientIdFallback } from './settings';
import { GA4_BACKDATE_WINDOW_MS, GA4_MAX_VALUE_LENGTH, validateGa4Row } from './validation';

/**
 * What GA4 Measurement Protocol events of closes and orders share (pure): the row, its visitor and checks. Sources: platform-apis.md §3; Google's
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

function consentOf(consent: ConsentRecord | undefined): Ga4Consent | undefined {
  if (!consent) return undefined;
  const status = (granted: boolean): Ga4ConsentStatus => (granted ? 'GRANTED' : 'DENIED');
  return { ad_user_data: status(consent.adUserData), ad_personalization: status(consent.adPersonalization) };
}

/** Text GA4 would cut (or drop) past 100 characters: cut here so what is recorded is what GA4 keeps. */
export function ga4Text(value: string): string {
  return value.length > GA4_MAX_VALUE_LENGTH ? value.slice(0, GA4_MAX_VALUE_LENGTH) : value;
}

export function withoutUndefined<TRecord extends Record<string, unknown>>(record: TRecord) {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [TKey in keyof TRecord]: Exclude<TRecord[TKey], undefined>;
  };
}

/** Rows of the same user and consent share requests; the key never leaves the process. */
export function ga4BatchKey(row: Pick<Ga4Row, 'client_id' | 'user_id' | 'consent'>): string {
  return `user:${sha256Hex(JSON.stringify([row.client_id, row.user_id ?? null, row.consent ?? null]))}`;
}

/** Who an event is about, as GA4 knows a visitor. */
export type Ga4Visitor = {
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
export function withClientId(
  visitor: Ga4Visitor,
  fallback: Ga4ClientIdFallback,
  subjectId: string | undefined,
): Ga4Visitor {
  if (visitor.clientId || fallback !== 'user_id') return visitor;
  const id = visitor.userId ?? subjectId;
  return id ? { ...visitor, clientId: fallbackClientId(id) } : visitor;
}

export function precheckGa4(
  visitor: Ga4Visitor,
  occurredAt: number,
  now: number,
): RowDecision<never> | undefined {
  if (visitor.consent?.analytics === false) {
    return { kind: 'skip', reason: 'consent', message: 'analytics consent was refused' };
  }
  if (!visitor.clientId) {
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

/** The row for a visitor's event, validated; `user_id` only when it is not personal data. */
export function sendGa4Row(
  visitor: Ga4Visitor & { clientId: string },
  event: Ga4Event,
  accepted: DeliveredState,
): RowDecision<Ga4Row> {
  const consent = consentOf(visitor.consent);
  const userId = sendableUserId(visitor.userId);
  const row: Ga4Row = {
    client_id: visitor.clientId,
    ...(userId ? { user_id: userId } : {}),
    ...(consent ? { consent } : {}),
    event,
  };
  const problem = validateGa4Row(row);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  if (bodyBytes({ method: 'POST', url: '', body: ga4RequestBody([row]) }) >= GA4_MAX_BODY_BYTES) {
    return { kind: 'fail', reason: 'too_large', message: 'one event alone is over GA4’s 130 kB body limit' };
  }
  return { kind: 'send', row, batch: ga4BatchKey(row), accepted };
}

/** GA4 wants microseconds; an event stamped ahead of our clock would be refused as a future one. */
export function toTimestampMicros(ms: number, now: number): number {
  return Math.min(ms, now) * 1000;
}

/** The request body of rows of one visitor: the visitor's fields once, then the events. */
export function ga4RequestBody(rows: readonly Ga4Row[]) {
  const first = rows[0];
  return {
    client_id: first?.client_id,
    ...(first?.user_id ? { user_id: first.user_id } : {}),
    ...(first?.consent ? { consent: first.consent } : {}),
    events: rows.map((row) => row.event),
  };
}
