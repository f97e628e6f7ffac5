import type { Context } from 'aws-lambda';
import { changedCloseKeys, recordCloses } from '../lib/crm/intake';
import { closeFromLeadClosedEvent } from '../lib/crm/lead-closed-event';
import type { CloseInput, OrderRecord } from '../lib/domain';
import { AuthenticationError, PayloadValidationError } from '../lib/errors';
import { type IncomingEvent, parseIncomingEvents } from '../lib/events/incoming';
import { header, jsonResult, parseJsonBody, rawBody } from '../lib/http/request';
import { secureEqualsAny } from '../lib/http/secure-compare';
import { captureFromCroct, captureFromReshape, type LeadCapture } from '../lib/leads/capture';
import { saveLeadCaptures } from '../lib/leads/save-lead';
import { METRIC_NAMES } from '../lib/observability/metrics';
import { orderFromCheckout } from '../lib/orders/capture';
import { recordOrders } from '../lib/orders/record-orders';
import { httpHandler, type RuntimeSource } from './middleware';
import { getDefaultRuntime, type Runtime } from './runtime';

/** DESIGN.md: 413 over 1 MB. */
export const COLLECT_MAX_BODY_BYTES = 1024 * 1024;

/** The event kinds collect stores today; the others validate but are refused with a clear message. */
const SUPPORTED_KINDS: ReadonlySet<IncomingEvent['kind']> = new Set([
  'lead_created',
  'croct_lead_generated',
  'lead_closed',
  'checkout_completed',
]);

function toCapture(incoming: IncomingEvent, receivedAt: number): LeadCapture {
  if (incoming.kind === 'lead_created') return captureFromReshape(incoming.event, receivedAt);
  if (incoming.kind === 'croct_lead_generated') return captureFromCroct(incoming.event, receivedAt);
  throw new Error(`unsupported event kind ${incoming.kind}`);
}

/**
 * `POST /v1/events`: key check, size check, validation of the whole batch, then one conditional lead write
 * each, different leads side by side (lib/leads/save-lead.ts). Validation comes before any write, so a
 * rejected request writes nothing.
 */
export function createCollectHandler(source: RuntimeSource) {
  return httpHandler(source, async (event, runtime, context) => {
    const key = header(event, 'x-api-key');
    if (runtime.config.collect.apiKeys.length === 0) {
      throw new AuthenticationError('collect is disabled: COLLECT_API_KEYS is not configured');
    }
    if (!key || !secureEqualsAny(key, runtime.config.collect.apiKeys)) {
      throw new AuthenticationError('missing or invalid x-api-key');
    }
    const incoming = parseIncomingEvents(parseJsonBody(rawBody(event, COLLECT_MAX_BODY_BYTES)));
    const unsupported = incoming
      .map((item, index) => ({ item, index }))
      .filter(({ item }) => !SUPPORTED_KINDS.has(item.kind));
    if (unsupported.length > 0) {
      throw new PayloadValidationError(
        unsupported.map(({ item, index }) => ({
          field: incoming.length > 1 ? `[${index}].event.name` : 'event.name',
          message: `${item.kind} is not accepted by this version of the connector`,
        })),
      );
    }
    const receivedAt = runtime.now();
    const accepted: string[] = [];
    const leadIds: string[] = [];
    const closes: CloseInput[] = [];
    const orders: OrderRecord[] = [];
    const captures: LeadCapture[] = [];
    for (const item of incoming) {
      // An order is stored once (a repeated event.id is a duplicate), then fanned out like a close.
      if (item.kind === 'checkout_completed') {
        orders.push(orderFromCheckout(item.event, receivedAt));
        accepted.push(item.event.event.id);
        continue;
      }
      // A pushed close is recorded like a CRM's: versioned, order-aware, then handed to the destinations.
      if (item.kind === 'lead_closed') {
        closes.push(
          closeFromLeadClosedEvent(item.event, {
            receivedAt,
            closureReasonMap: runtime.config.closureReasonMap,
          }),
        );
        accepted.push(item.event.event.id);
        continue;
      }
      const capture = toCapture(item, receivedAt);
      captures.push(capture);
      accepted.push(capture.leadId);
      leadIds.push(capture.leadId);
    }
    // Leads, closes and orders are different items: written side by side, all before the dispatch (which
    // joins a close to its lead).
    const [, recordedCloses, recordedOrders] = await Promise.all([
      saveLeadCaptures(runtime.store, captures, {
        now: runtime.now,
        retentionDays: runtime.config.leadRetentionDays,
      }),
      recordCloses(runtime.store, closes, runtime.now, { metrics: runtime.metrics }),
      recordOrders(runtime.store, orders),
    ]);
    const closeKeys = changedCloseKeys(recordedCloses);
    const newOrderKeys = recordedOrders
      .filter((result) => result.created)
      .map(({ order }) => order.subjectKey);
    const duplicates = recordedOrders.filter((result) => !result.created).map(({ order }) => order.orderId);
    await runtime.dispatchInline([...closeKeys, ...newOrderKeys], {
      remainingMs: context.getRemainingTimeInMillis(),
    });
    runtime.metrics.count(METRIC_NAMES.leadsCaptured, {}, leadIds.length);
    runtime.logger.info('leads captured', {
      count: leadIds.length,
      closes: closes.length,
      orders: newOrderKeys.length,
      duplicateOrders: duplicates.length,
    });
    await dispatchClosesOfArrivedLeads(leadIds, runtime, context);
    // A repeated order is durably recorded already: accepted, and named as a duplicate (nothing new sent).
    return jsonResult(202, { accepted, ...(duplicates.length > 0 ? { duplicates } : {}) });
  });
}

/**
 * A lead that arrives after its close: the close's deliveries waiting for it go out now (one BatchGet
 * of closes for the captured lead IDs). The leads are already stored, so a failure here only delays
 * those deliveries until the backfill; it never fails the caller's request.
 */
async function dispatchClosesOfArrivedLeads(leadIds: string[], runtime: Runtime, context: Context) {
  if (leadIds.length === 0 || runtime.destinations.length === 0) return;
  const closes = await runtime.store.getCloses(leadIds).catch((error: unknown) => {
    runtime.logger.warn('dispatch after lead capture failed; the backfill will retry', {
      error: (error as Error)?.name,
    });
    return undefined;
  });
  if (!closes) return;
  const summary = await runtime.dispatchInline([...closes.keys()], {
    remainingMs: context.getRemainingTimeInMillis(),
    subjects: closes,
  });
  if (!summary) return;
  runtime.logger.info('waiting closes dispatched', {
    closes: summary.subjects,
    deliveries: summary.deliveries,
  });
}

export const handler = createCollectHandler(getDefaultRuntime);
