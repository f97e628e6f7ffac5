import * as v from 'valibot';
import { type FieldIssue, PayloadValidationError } from '../../errors';
import { toFieldIssues } from '../../validation';

/**
 * What HubSpot POSTs to `/webhooks/hubspot`, validated (reference/platform-apis.md §4):
 * - the Webhooks API: a JSON array of at most 100 subscription events;
 * - a workflow "Send a webhook" action: one JSON object describing the enrolled deal, either with all its
 *   properties (`{ objectId, properties: { dealstage: { value, timestamp }, … } }`, the v1 object format)
 *   or a customised body of chosen properties (`{ hs_object_id, dealstage, amount, … }`).
 */
export const MAX_SUBSCRIPTION_EVENTS = 100;

/** CRM object type IDs of the generic `object.*` subscriptions: 0-1 contact, 0-2 company, 0-3 deal. */
export const DEAL_OBJECT_TYPE_ID = '0-3';

const HubspotIdSchema = v.pipe(
  v.union(
    [
      // A number is exact only up to 2^53; larger IDs arrive as their decimal text (lib/http/exact-json.ts).
      v.pipe(v.number(), v.safeInteger('must be a numeric ID'), v.minValue(0, 'must be a numeric ID')),
      v.pipe(v.string(), v.trim(), v.regex(/^\d{1,20}$/, 'must be a numeric ID')),
    ],
    'must be a numeric ID',
  ),
  v.transform(String),
);

const EpochMsSchema = v.pipe(
  v.number('must be epoch milliseconds'),
  v.integer('must be epoch milliseconds'),
  v.minValue(946_684_800_000, 'must be epoch milliseconds'),
  v.maxValue(4_102_444_800_000, 'must be epoch milliseconds'),
);

const ShortTextSchema = v.pipe(v.string(), v.maxLength(256, 'must be at most 256 characters'));

/** One event of a Webhooks API batch; unknown keys are dropped. */
export const SubscriptionEventSchema = v.object({
  eventId: HubspotIdSchema,
  subscriptionId: v.optional(HubspotIdSchema),
  portalId: v.optional(HubspotIdSchema),
  appId: v.optional(HubspotIdSchema),
  occurredAt: EpochMsSchema,
  subscriptionType: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100)),
  attemptNumber: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  objectId: v.optional(HubspotIdSchema),
  objectTypeId: v.optional(ShortTextSchema),
  propertyName: v.optional(ShortTextSchema),
  propertyValue: v.optional(
    v.pipe(
      v.nullable(v.union([v.pipe(v.string(), v.maxLength(65_536)), v.number(), v.boolean()])),
      v.transform((value) => (value === null ? undefined : String(value))),
    ),
  ),
  changeSource: v.optional(ShortTextSchema),
  sourceId: v.optional(ShortTextSchema),
  changeFlag: v.optional(ShortTextSchema),
  // Merge events (developers.hubspot.com changelog "New subscription types for Webhooks"): the deal given
  // priority, the deals merged into it, and the deal the merge created (HubSpot creates one for deals).
  primaryObjectId: v.optional(HubspotIdSchema),
  mergedObjectIds: v.optional(v.pipe(v.array(HubspotIdSchema), v.maxLength(100))),
  newObjectId: v.optional(HubspotIdSchema),
  numberOfPropertiesMoved: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type SubscriptionEvent = v.InferOutput<typeof SubscriptionEventSchema>;

export const SubscriptionBatchSchema = v.pipe(
  v.array(SubscriptionEventSchema),
  v.minLength(1, 'must hold at least one event'),
  v.maxLength(MAX_SUBSCRIPTION_EVENTS, `at most ${MAX_SUBSCRIPTION_EVENTS} events a request`),
);

/** Does this event concern a deal (the legacy `deal.*` types or the generic `object.*` with type 0-3)? */
export function isDealEvent(event: Pick<SubscriptionEvent, 'subscriptionType' | 'objectTypeId'>): boolean {
  const [object] = event.subscriptionType.split('.', 1);
  if (object === 'deal') return true;
  return object === 'object' && event.objectTypeId === DEAL_OBJECT_TYPE_ID;
}

/** `deal.propertyChange` → `propertyChange`, `object.creation` → `creation`. */
export function eventAction(event: Pick<SubscriptionEvent, 'subscriptionType'>): string {
  return event.subscriptionType.slice(event.subscriptionType.indexOf('.') + 1);
}

/** A property as the v1 object format carries it, or as a plain value in a customised body. */
const WorkflowPropertyValueSchema = v.union([
  v.pipe(
    v.object({
      value: v.optional(v.nullable(v.union([v.string(), v.number(), v.boolean()]))),
      timestamp: v.optional(v.union([v.number(), v.string()])),
    }),
    v.transform(({ value, timestamp }) => ({
      value: value === null || value === undefined ? undefined : String(value),
      timestamp,
    })),
  ),
  v.pipe(
    v.nullable(v.union([v.string(), v.number(), v.boolean()])),
    v.transform((value) => ({ value: value === null ? undefined : String(value), timestamp: undefined })),
  ),
]);

const WorkflowObjectSchema = v.object({
  objectId: v.optional(HubspotIdSchema),
  dealId: v.optional(HubspotIdSchema),
  hs_object_id: v.optional(HubspotIdSchema),
  objectType: v.optional(ShortTextSchema),
  objectTypeId: v.optional(ShortTextSchema),
  portalId: v.optional(HubspotIdSchema),
  properties: v.optional(v.record(v.string(), WorkflowPropertyValueSchema)),
});

export type WorkflowProperty = { value: string | undefined; timestamp: string | number | undefined };

/** A deal as a workflow webhook describes it, whichever body form was chosen. */
export type WorkflowDeal = {
  dealId: string;
  /** The workflow was built on another object type (contact, ticket…): nothing to record. */
  otherObjectType?: string;
  properties: Record<string, WorkflowProperty>;
};

export type HubspotWebhook =
  | { kind: 'subscription'; events: SubscriptionEvent[] }
  | { kind: 'workflow'; deal: WorkflowDeal };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const RESERVED_KEYS = new Set(['objectId', 'dealId', 'objectType', 'objectTypeId', 'portalId', 'properties']);

/** Deal events about one deal, which must name it. */
const OBJECT_ACTIONS = new Set(['propertyChange', 'creation', 'deletion', 'restore']);

function parseSubscriptionBatch(body: unknown[]): HubspotWebhook {
  const result = v.safeParse(SubscriptionBatchSchema, body, { abortEarly: false });
  if (!result.success) throw new PayloadValidationError(toFieldIssues(result.issues).slice(0, 50));
  // A deal change is useless without the deal it is about; association events name two objects instead.
  const issues: FieldIssue[] = [];
  result.output.forEach((event, index) => {
    const action = eventAction(event);
    if (!isDealEvent(event)) return;
    if (event.objectId === undefined && OBJECT_ACTIONS.has(action)) {
      issues.push({ field: `[${index}].objectId`, message: 'required for a deal event' });
    }
    if (action === 'merge' && (event.newObjectId ?? event.primaryObjectId ?? event.objectId) === undefined) {
      issues.push({ field: `[${index}].primaryObjectId`, message: 'required for a deal merge' });
    }
  });
  if (issues.length > 0) throw new PayloadValidationError(issues.slice(0, 50));
  return { kind: 'subscription', events: result.output };
}

function parseWorkflowPayload(body: Record<string, unknown>): HubspotWebhook {
  const result = v.safeParse(WorkflowObjectSchema, body, { abortEarly: false });
  if (!result.success) throw new PayloadValidationError(toFieldIssues(result.issues).slice(0, 50));
  const parsed = result.output;
  // A customised body carries the chosen properties at the top level, next to (or instead of) `properties`.
  const properties: Record<string, WorkflowProperty> = {};
  for (const [name, value] of Object.entries(body)) {
    if (RESERVED_KEYS.has(name)) continue;
    const property = v.safeParse(WorkflowPropertyValueSchema, value);
    if (property.success) properties[name] = property.output;
  }
  Object.assign(properties, parsed.properties ?? {});
  const dealId =
    parsed.objectId ?? parsed.dealId ?? parsed.hs_object_id ?? numericId(properties.hs_object_id?.value);
  if (dealId === undefined) {
    throw new PayloadValidationError([
      {
        field: 'objectId',
        message:
          'expected a HubSpot webhook: an array of subscription events, or a workflow payload naming the deal (objectId or hs_object_id)',
      },
    ]);
  }
  const objectType = (parsed.objectType ?? parsed.objectTypeId)?.toUpperCase();
  const isDeal = objectType === undefined || objectType === 'DEAL' || objectType === DEAL_OBJECT_TYPE_ID;
  return {
    kind: 'workflow',
    deal: { dealId, properties, ...(isDeal ? {} : { otherObjectType: objectType }) },
  };
}

function numericId(value: string | undefined): string | undefined {
  return value !== undefined && /^\d{1,20}$/.test(value.trim()) ? value.trim() : undefined;
}

/** Validates a HubSpot webhook body (already JSON-parsed); PayloadValidationError names each bad field. */
export function parseHubspotWebhook(body: unknown): HubspotWebhook {
  if (Array.isArray(body)) return parseSubscriptionBatch(body);
  if (isRecord(body)) return parseWorkflowPayload(body);
  throw new PayloadValidationError([
    {
      field: '(body)',
      message: 'expected a HubSpot webhook: an array of subscription events or a workflow payload object',
    },
  ]);
}
