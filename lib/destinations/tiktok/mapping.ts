import * as v from 'valibot';
import type { ClickIds, HashedIdentity } from '../../domain';
import { sha256Hex } from '../../leads/hash';
import { normaliseExternalId } from '../../leads/normalise-external-id';
import { decideUnadjustableChange } from '../close-changes';
import { firstRowProblem, HEX_SHA256 } from '../row-validation';
import {
  acceptedState,
  type CheckoutCompletedConversion,
  type DeliveredState,
  type LeadClosedConversion,
  type RequestDescription,
  type RowDecision,
} from '../types';
import type { TiktokSettings } from './settings';
import { TIKTOK_API_VERSION } from './version';

/**
 * Closes and orders → TikTok Events API 2.0 events (pure). `POST /open_api/v1.3/event/track/` with
 * {event_source, event_source_id, test_event_code?, data:[{event, event_time (s), event_id, user{email,
 * phone, external_id (SHA-256), ttclid, ttp, ip, user_agent}, properties{contents[{content_id,
 * content_name, quantity, price}], content_type, value, currency, order_id}, page{url}}]} (platform-apis.md
 * §3, marked third-party there; field names cross-checked against public Events API integrations).
 *
 * CRM events (platform-apis.md §7): `event_source: "crm"` with `event_source_id` = the CRM Event Set ID
 * (TIKTOK_CRM_EVENT_SET_ID), never the web pixel; `lead: {lead_id?, lead_event_source}` at event level, as
 * Segment's TikTok destination sends it. `lead_id` is TikTok's own lead ID (an Instant Form lead), which the
 * connector never captures, so it is left out, as Meta's `lead_id` is for a lead of our own.
 *
 * Names: a won close is TIKTOK_WON_EVENT (default `LeadClosed`, the seed's "custom CamelCase event
 * LeadClosed"), a lost one TIKTOK_LOST_EVENT (default `LeadLost`): TikTok optimises only on the standard
 * event each is mapped to in Events Manager, so they never share a name. An order is `Purchase`: TikTok's supported-standard-events page (Sept 2025) lists
 * `Purchase`, and its reserved-events page lists `CompletePayment` as a reserved name mapped to `Purchase`;
 * TIKTOK_PURCHASE_EVENT=CompletePayment keeps the older name for pixels that still send it (the browser's
 * and the server's event must share a name for TikTok to de-duplicate them).
 */
export type TiktokEventSource = 'crm' | 'web';

export type TiktokUser = {
  email?: string[];
  phone?: string[];
  external_id?: string[];
  ttclid?: string;
  ttp?: string;
  ip?: string;
  user_agent?: string;
};

export type TiktokContent = { content_id: string; content_name?: string; quantity: number; price: number };

export type TiktokEvent = {
  event: string;
  event_time: number;
  event_id: string;
  user: TiktokUser;
  /** CRM events only. */
  lead?: { lead_event_source: string };
  properties: {
    value: number;
    currency: string;
    content_type?: 'product';
    contents?: TiktokContent[];
    order_id?: string;
    close_outcome?: 'won' | 'lost';
    closure_reason?: string;
    sales_cycle_days?: number;
    lead_event_source?: string;
  };
  page?: { url: string };
};

/**
 * Events a request: TikTok's own limit could not be verified from here (a third-party integration guide
 * says 1,000); 1,000 is used, the same bound as Meta's, and a request TikTok refused for size would be
 * reported, not lost.
 */
export const TIKTOK_MAX_EVENTS = 1000;

function tiktokUser(
  identity: HashedIdentity | undefined,
  clickIds: ClickIds | undefined,
  extra: { externalId: string | undefined; ip: string | undefined; userAgent: string | undefined },
): TiktokUser {
  // TikTok: email SHA-256 of the trimmed, lower-cased address (= Meta `em`); phone SHA-256 of E.164 with
  // its "+" (= Google's phone hash).
  const email = identity?.meta?.em ?? [];
  const phone = identity?.google?.phones ?? [];
  const user: TiktokUser = {
    ...(email.length > 0 ? { email } : {}),
    ...(phone.length > 0 ? { phone } : {}),
    ...(extra.externalId ? { external_id: [sha256Hex(normaliseExternalId(extra.externalId))] } : {}),
    ...(clickIds?.ttclid ? { ttclid: clickIds.ttclid } : {}),
    ...(clickIds?.ttp ? { ttp: clickIds.ttp } : {}),
    ...(extra.ip ? { ip: extra.ip } : {}),
    ...(extra.userAgent ? { user_agent: extra.userAgent } : {}),
  };
  return user;
}

/** Something TikTok can match a person on: hashed email or phone, its click ID or its browser cookie. */
function hasMatchKey(user: TiktokUser): boolean {
  return Boolean(user.email?.length || user.phone?.length || user.ttclid || user.ttp);
}

const TiktokEventSchema = v.object({
  event: v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/)),
  event_time: v.pipe(v.number(), v.integer(), v.minValue(1_000_000_000), v.maxValue(9_999_999_999)),
  event_id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  user: v.object({
    email: v.optional(v.array(HEX_SHA256)),
    phone: v.optional(v.array(HEX_SHA256)),
    external_id: v.optional(v.array(HEX_SHA256)),
    ttclid: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
    ttp: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
    ip: v.optional(v.pipe(v.string(), v.ip())),
    user_agent: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
  }),
  lead: v.optional(v.object({ lead_event_source: v.pipe(v.string(), v.minLength(1)) })),
  properties: v.object({
    value: v.pipe(v.number(), v.finite(), v.minValue(0)),
    currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
    content_type: v.optional(v.literal('product')),
    contents: v.optional(
      v.array(
        v.object({
          content_id: v.pipe(v.string(), v.minLength(1)),
          content_name: v.optional(v.string()),
          quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
          price: v.pipe(v.number(), v.finite(), v.minValue(0)),
        }),
      ),
    ),
    order_id: v.optional(v.pipe(v.string(), v.minLength(1))),
    close_outcome: v.optional(v.picklist(['won', 'lost'])),
    closure_reason: v.optional(v.string()),
    sales_cycle_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    lead_event_source: v.optional(v.string()),
  }),
  page: v.optional(v.object({ url: v.pipe(v.string(), v.url()) })),
});

export function validateTiktokEvent(event: TiktokEvent): string | undefined {
  return firstRowProblem(TiktokEventSchema, event);
}

function decide(
  event: TiktokEvent,
  source: TiktokEventSource,
  accepted: DeliveredState,
): RowDecision<TiktokEvent> {
  if (!hasMatchKey(event.user)) {
    return {
      kind: 'skip',
      reason: 'no_identifier',
      message: 'no hashed email or phone, no ttclid and no _ttp cookie',
    };
  }
  const problem = validateTiktokEvent(event);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  // `event_source` belongs to the request: closes (crm) and orders (web) go in requests of their own.
  return { kind: 'send', row: event, batch: source, accepted };
}

/** A half of TikTok without its event set: CRM events without TIKTOK_CRM_EVENT_SET_ID, orders without a pixel. */
function skipNoEventSet(variable: string, what: string): RowDecision<never> {
  return {
    kind: 'skip',
    reason: 'not_configured',
    message: `${what} go to TikTok only when ${variable} is set`,
  };
}

export function buildTiktokLeadDecision(
  conversion: LeadClosedConversion,
  settings: Pick<TiktokSettings, 'crmEventSetId' | 'wonEvent' | 'lostEvent'>,
): RowDecision<TiktokEvent> {
  const { close, lead } = conversion;
  // Never under the web pixel: TikTok files CRM events by their CRM Event Set.
  if (!settings.crmEventSetId) return skipNoEventSet('TIKTOK_CRM_EVENT_SET_ID', 'closes');
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the lead refused marketing consent' };
  }
  const change = decideUnadjustableChange(conversion, { platform: 'TikTok', outcomeNamed: false });
  if (change) return change;
  const leadKey = close.leadId ?? close.subjectKey;
  const outcome = close.outcome as 'won' | 'lost';
  const leadEventSource = conversion.crmDisplayName;
  const event: TiktokEvent = {
    event: outcome === 'won' ? settings.wonEvent : settings.lostEvent,
    event_time: Math.floor(Math.min(close.closedAt, conversion.now) / 1000),
    // The lead ID: stable across retries and replays, so TikTok's de-duplication drops any repeat.
    event_id: leadKey,
    user: tiktokUser(conversion.identity, lead?.clickIds, {
      externalId: leadKey,
      ip: lead?.ipAddress,
      userAgent: lead?.userAgent,
    }),
    properties: {
      value: close.value,
      currency: close.currency,
      close_outcome: outcome,
      ...(close.closureReason ? { closure_reason: close.closureReason } : {}),
      ...(close.salesCycleDays !== undefined ? { sales_cycle_days: close.salesCycleDays } : {}),
      lead_event_source: leadEventSource,
    },
    lead: { lead_event_source: leadEventSource },
  };
  return decide(event, 'crm', acceptedState(conversion));
}

export function buildTiktokPurchaseDecision(
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
    user: tiktokUser(conversion.identity, order.clickIds, {
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
  return decide(event, 'web', acceptedState(conversion));
}

/**
 * The request body; the access token travels in the `Access-Token` header, never here. The batch is the
 * event source, and the event set follows from it: CRM events to the CRM Event Set, web events to the pixel
 * (a mapping sends neither without its ID).
 */
export function buildTiktokRequest(
  rows: readonly TiktokEvent[],
  batch: string,
  settings: TiktokSettings,
): RequestDescription {
  return {
    method: 'POST',
    url: `${settings.baseUrl}/open_api/${TIKTOK_API_VERSION}/event/track/`,
    body: {
      event_source: batch as TiktokEventSource,
      event_source_id: batch === 'crm' ? settings.crmEventSetId : settings.pixelCode,
      ...(settings.testEventCode ? { test_event_code: settings.testEventCode } : {}),
      data: rows,
    },
  };
}
