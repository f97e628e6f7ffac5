import * as v from 'valibot';
import { sha256Hex } from '../../leads/hash';
import { normaliseExternalId } from '../../leads/normalise-external-id';
import { firstRowProblem, HEX_SHA256, sendValidRow, WINDOW_SAFETY_MS } from '../row-validation';
import { acceptedState, type CheckoutCompletedConversion, type RowDecision } from '../types';
import {
  hasMetaMatchKey,
  META_BATCH,
  META_EVENT_WINDOW_MS,
  META_MATCH_FIELD_ENTRIES,
  type MetaMatchFields,
  metaMatchFields,
} from './server-event';

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
  user_data: MetaMatchFields & { external_id?: string[] };
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

const MetaPurchaseEventSchema = v.object({
  event_name: v.literal('Purchase'),
  event_time: v.pipe(v.number(), v.integer(), v.minValue(1_000_000_000)),
  action_source: v.picklist(['website', 'other']),
  event_source_url: v.optional(v.pipe(v.string(), v.url())),
  event_id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  user_data: v.object({ ...META_MATCH_FIELD_ENTRIES, external_id: v.optional(v.array(HEX_SHA256)) }),
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

export function validateMetaPurchaseEvent(event: MetaPurchaseEvent): string | undefined {
  return firstRowProblem(MetaPurchaseEventSchema, event);
}

function purchaseUserData(conversion: CheckoutCompletedConversion): MetaPurchaseEvent['user_data'] {
  const { order } = conversion;
  return {
    ...metaMatchFields(conversion.identity.meta, {
      fbc: order.clickIds.fbc,
      fbp: order.clickIds.fbp,
      ipAddress: order.ipAddress,
      userAgent: order.userAgent,
    }),
    // The customer's own ID (seed user.id), hashed as Meta recommends; the pixel's external_id should match.
    ...(order.userId ? { external_id: [sha256Hex(normaliseExternalId(order.userId))] } : {}),
  };
}

export function decideMetaCheckoutCompleted(
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
  // Orders and closes share Meta requests: the batch is the same.
  return sendValidRow(event, validateMetaPurchaseEvent(event), META_BATCH, acceptedState(conversion));
}
