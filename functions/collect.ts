import type { Context } from 'aws-lambda';
import { changedCloseKeys, recordCloses } from '../lib/crm/intake';
import { closeFromLeadClosedEvent } from '../lib/crm/lead-closed-event';
import {
  type CloseInput,
  MAX_AMOUNT,
  type OrderRecord,
  stageSubjectKey,
  unstorableNumberPaths,
} from '../lib/domain';
import { dropSuppressed } from '../lib/erasure/drop-suppressed';
import { AuthenticationError, PayloadValidationError } from '../lib/errors';
import { type IncomingEvent, parseIncomingEvents } from '../lib/events/incoming';
import { header, jsonResult, parseJsonBody, rawBody } from '../lib/http/request';
import { secureEqualsAny } from '../lib/http/secure-compare';
import { captureFromCroct, captureFromReshape, type LeadCapture } from '../lib/leads/capture';
import { leadCaptureStages } from '../lib/leads/capture-stages';
import type { IdentityOptions } from '../lib/leads/identity';
import { saveLeadCaptures } from '../lib/leads/save-lead';
import { METRIC_NAMES } from '../lib/observability/metrics';
import { orderFromCheckout } from '../lib/orders/capture';
import { recordOrders } from '../lib/orders/record-orders';
import { createdStages, recordStages } from '../lib/pipeline/record-stages';
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

function toCapture(incoming: IncomingEvent, receivedAt: number, options: IdentityOptions): LeadCapture {
  if (incoming.kind === 'lead_created') return captureFromReshape(incoming.event, receivedAt, options);
  if (incoming.kind === 'croct_lead_generated') return captureFromCroct(incoming.event, receivedAt, options);
  throw new Error(`unsupported event kind ${incoming.kind}`);
}

/**
 * What the request would store, checked whole before anything is written: a number DynamoDB would refuse
 * (a line amount converted between currencies can overflow although each input is in range) is a 400
 * naming the event, never a 500 after the other items were written.
 */
function assertStorable(built: { index: number; record: unknown }[], many: boolean): void {
  const issues = built.flatMap(({ index, record }) =>
    unstorableNumberPaths(record).map((path) => ({
      field: many ? `[${index}]` : '(body)',
      message: `${path} would be ${MAX_AMOUNT} or more (or not a finite number): check the amounts and exchange rates`,
    })),
  );
  if (issues.length > 0) throw new PayloadValidationError(issues.slice(0, 50));
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
    const built: { index: number; record: unknown }[] = [];
    const identityOptions: IdentityOptions = { defaultPhoneCountry: runtime.config.defaultPhoneCountry };
    for (const [index, item] of incoming.entries()) {
      // An order is stored once (a repeated event.id is a duplicate), then fanned out like a close.
      if (item.kind === 'checkout_completed') {
        const order = orderFromCheckout(item.event, receivedAt, identityOptions);
        orders.push(order);
        built.push({ index, record: order });
        accepted.push(item.event.event.id);
        continue;
      }
      // A pushed close is recorded like a CRM's: versioned, order-aware, then handed to the destinations.
      if (item.kind === 'lead_closed') {
        const close = closeFromLeadClosedEvent(item.event, {
          receivedAt,
          closureReasonMap: runtime.config.closureReasonMap,
          ...identityOptions,
        });
        closes.push(close);
        built.push({ index, record: close });
        accepted.push(item.event.event.id);
        continue;
      }
      const capture = toCapture(item, receivedAt, identityOptions);
      captures.push(capture);
      built.push({ index, record: capture });
      accepted.push(capture.leadId);
      leadIds.push(capture.leadId);
    }
    assertStorable(built, incoming.length > 1);
    // Erased people: nothing of theirs is written (lib/erasure).
    const kept = await dropSuppressed(runtime.store, { captures, closes, orders });
    // Leads, closes and orders are different items: written side by side, all before the dispatch (which
    // joins a close to its lead).
    const [, recordedCloses, recordedOrders, recordedStages] = await Promise.all([
      saveLeadCaptures(runtime.store, kept.captures, {
        now: runtime.now,
        retentionDays: runtime.config.leadRetentionDays,
      }),
      recordCloses(runtime.store, kept.closes, runtime.now, { metrics: runtime.metrics }),
      recordOrders(runtime.store, kept.orders),
      // A stage with onLeadCaptured is the captured lead itself (CONVERSION_STAGES): once per lead.
      recordStages(
        runtime.store,
        leadCaptureStages(kept.captures, runtime.config.conversionStages, runtime.now()),
        runtime.now,
        { metrics: runtime.metrics },
      ),
    ]);
    const closeKeys = changedCloseKeys(recordedCloses);
    const newOrderKeys = recordedOrders
      .filter((result) => result.created)
      .map(({ order }) => order.subjectKey);
    const duplicates = recordedOrders.filter((result) => !result.created).map(({ order }) => order.orderId);
    const stageKeys = [...createdStages(recordedStages).keys()];
    await runtime.dispatchInline([...closeKeys, ...newOrderKeys, ...stageKeys], {
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
  // The lead's stages wait for it as its close does (a stage sent at capture is dispatched above).
  const stageKeys = runtime.config.conversionStages
    .filter((stage) => !stage.onLeadCaptured)
    .flatMap((stage) => leadIds.map((leadId) => stageSubjectKey(stage.name, leadId)));
  const read =
    stageKeys.length === 0
      ? runtime.store.getCloses(leadIds)
      : runtime.store.getSubjects([...leadIds, ...stageKeys]);
  const closes = await read.catch((error: unknown) => {
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
