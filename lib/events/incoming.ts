import type * as v from 'valibot';
import { safeParse } from 'valibot';
import { type FieldIssue, PayloadValidationError } from '../errors';
import { toFieldIssues } from '../validation';
import { type CheckoutCompletedEvent, CheckoutCompletedEventSchema } from './checkout-completed';
import { type CroctLeadGenerated, CroctLeadGeneratedSchema } from './croct-lead-generated';
import { type LeadClosedEvent, LeadClosedEventSchema } from './lead-closed';
import { type LeadCreatedEvent, LeadCreatedEventSchema } from './lead-created';

/** What `POST /v1/events` accepts, after validation: one discriminated shape per event kind. */
export type IncomingEvent =
  | { kind: 'lead_created'; event: LeadCreatedEvent }
  | { kind: 'lead_closed'; event: LeadClosedEvent }
  | { kind: 'checkout_completed'; event: CheckoutCompletedEvent }
  | { kind: 'croct_lead_generated'; event: CroctLeadGenerated };

export const MAX_EVENTS_PER_REQUEST = 500;

const RESHAPE_SCHEMAS = {
  lead_created: LeadCreatedEventSchema,
  lead_closed: LeadClosedEventSchema,
  checkout_completed: CheckoutCompletedEventSchema,
} as const;
type ReshapeName = keyof typeof RESHAPE_SCHEMAS;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseWith(
  schema: v.GenericSchema,
  input: unknown,
  prefix: string,
): { output: unknown; issues?: undefined } | { output?: undefined; issues: FieldIssue[] } {
  const result = safeParse(schema, input, { abortEarly: false });
  return result.success ? { output: result.output } : { issues: toFieldIssues(result.issues, prefix) };
}

function parseOne(input: unknown, prefix: string): { event?: IncomingEvent; issues: FieldIssue[] } {
  const at = (field: string) => (prefix === '' ? field : `${prefix}.${field}`);
  if (!isRecord(input)) return { issues: [{ field: prefix || '(body)', message: 'expected a JSON object' }] };
  if ('event' in input) {
    const name = isRecord(input.event) ? input.event.name : undefined;
    // `in` would find `toString` or `__proto__` on the prototype: only the schemas' own names count.
    if (typeof name !== 'string' || !Object.hasOwn(RESHAPE_SCHEMAS, name)) {
      return {
        issues: [
          {
            field: at('event.name'),
            message:
              name === undefined ? 'required' : `must be one of ${Object.keys(RESHAPE_SCHEMAS).join(', ')}`,
          },
        ],
      };
    }
    const kind = name as ReshapeName;
    const parsed = parseWith(RESHAPE_SCHEMAS[kind], input, prefix);
    if (parsed.issues) return { issues: parsed.issues };
    return { event: { kind, event: parsed.output } as IncomingEvent, issues: [] };
  }
  if ('leadId' in input || input.type === 'leadGenerated' || 'lead' in input) {
    const parsed = parseWith(CroctLeadGeneratedSchema, input, prefix);
    if (parsed.issues) return { issues: parsed.issues };
    return {
      event: { kind: 'croct_lead_generated', event: parsed.output as CroctLeadGenerated },
      issues: [],
    };
  }
  return {
    issues: [
      {
        field: prefix || '(body)',
        message: 'expected a DATA Reshape event (event.name) or a Croct leadGenerated payload (leadId)',
      },
    ],
  };
}

/**
 * Validates a collect body: one event or an array of at most 500. All-or-nothing: any invalid event
 * rejects the request with every bad field named, so a sender never has to guess what was stored.
 */
export function parseIncomingEvents(body: unknown): IncomingEvent[] {
  const inputs = Array.isArray(body) ? body : [body];
  if (Array.isArray(body)) {
    if (body.length === 0)
      throw new PayloadValidationError([{ field: '(body)', message: 'must not be empty' }]);
    if (body.length > MAX_EVENTS_PER_REQUEST) {
      throw new PayloadValidationError([
        { field: '(body)', message: `at most ${MAX_EVENTS_PER_REQUEST} events a request` },
      ]);
    }
  }
  const events: IncomingEvent[] = [];
  const issues: FieldIssue[] = [];
  inputs.forEach((input, index) => {
    const parsed = parseOne(input, Array.isArray(body) ? `[${index}]` : '');
    if (parsed.event) events.push(parsed.event);
    issues.push(...parsed.issues);
  });
  if (issues.length > 0) throw new PayloadValidationError(issues.slice(0, 50));
  return events;
}
