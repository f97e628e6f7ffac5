import * as v from 'valibot';
import type { ClickIds, HashedIdentity } from '../../domain';
import { sha256Hex } from '../../leads/hash';
import { normaliseExternalId } from '../../leads/normalise-external-id';
import { firstRowProblem, HEX_SHA256, sendValidRow } from '../row-validation';
import type { DeliveredState, RowDecision } from '../types';

/**
 * What TikTok Events API 2.0 events of closes and orders share (pure): the event, its user and checks. `POST /open_api/v1.3/event/track/` with
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
    /** Absent only for a funnel stage without a value. */
    value?: number;
    currency?: string;
    content_type?: 'product';
    contents?: TiktokContent[];
    order_id?: string;
    close_outcome?: 'won' | 'lost';
    closure_reason?: string;
    sales_cycle_days?: number;
    lead_event_source?: string;
    /** The CONVERSION_STAGES name of a stage event. */
    funnel_stage?: string;
  };
  page?: { url: string };
};

/** The event's `user`: hashed identifiers, click and browser ids, only those present. */
export function buildTiktokUser(
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
    value: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
    currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/))),
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
    funnel_stage: v.optional(v.string()),
  }),
  page: v.optional(v.object({ url: v.pipe(v.string(), v.url()) })),
});

export function validateTiktokEvent(event: TiktokEvent): string | undefined {
  return firstRowProblem(TiktokEventSchema, event);
}

/** An event worth sending (something to match on) and valid, in its request kind; else why not. */
export function decideTiktokEvent(
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
  // `event_source` belongs to the request: closes (crm) and orders (web) go in requests of their own.
  return sendValidRow(event, validateTiktokEvent(event), source, accepted);
}

/** A half of TikTok without its event set: CRM events without TIKTOK_CRM_EVENT_SET_ID, orders without a pixel. */
export function skipNoEventSet(variable: string, what: string): RowDecision<never> {
  return {
    kind: 'skip',
    reason: 'not_configured',
    message: `${what} go to TikTok only when ${variable} is set`,
  };
}
