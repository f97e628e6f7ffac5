import * as v from 'valibot';
import { CRM_SOURCES } from '../../lib/crm/registry';
import { DESTINATIONS } from '../../lib/destinations/registry';
import { DELIVERY_LISTINGS } from '../../lib/domain';
import type { DeliveryFilter } from './delivery-list';
import type { ListQuery } from './subjects-page';

/**
 * The dashboard's trust boundary: query strings and the replay form, validated with valibot; a bad value is
 * a 400 naming its field, never a 5xx.
 */
export const DESTINATION_NAMES: readonly string[] = DESTINATIONS.map((destination) => destination.name);
/** A close's `crm`: each registered CRM, or `api` for a `lead_closed` pushed to the collect endpoint. */
export const CRM_NAMES: readonly string[] = [...CRM_SOURCES.map((crm) => crm.name), 'api'];

const empty = v.pipe(
  v.optional(v.string()),
  v.transform((value) => (value === '' ? undefined : value)),
);
const oneOf = (names: readonly string[], field: string) =>
  v.pipe(
    empty,
    v.check(
      (value) => value === undefined || names.includes(value),
      `${field} must be one of ${names.join(', ')}`,
    ),
  );
const day = (field: string) =>
  v.pipe(
    empty,
    v.check(
      (value) =>
        value === undefined || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))),
      `${field} must be a date, YYYY-MM-DD`,
    ),
  );

const ListQuerySchema = v.object({
  destination: oneOf(DESTINATION_NAMES, 'destination'),
  status: oneOf(DELIVERY_LISTINGS, 'status'),
  reason: v.pipe(
    empty,
    v.check(
      (value) => value === undefined || /^[a-z0-9_.-]{1,64}$/i.test(value),
      'reason must be a reason code like consent',
    ),
  ),
  crm: oneOf(CRM_NAMES, 'crm'),
  from: day('from'),
  to: day('to'),
  cursor: v.pipe(
    empty,
    v.check(
      (value) => value === undefined || /^[A-Za-z0-9_-]{1,8000}$/.test(value),
      'cursor is not a page cursor',
    ),
  ),
});

const DaysSchema = v.object({
  days: v.pipe(
    empty,
    v.check(
      (value) => value === undefined || /^\d{1,2}$/.test(value),
      'days must be a whole number of days, 1 to 90',
    ),
    v.transform((value) => (value === undefined ? 14 : Number(value))),
    v.minValue(1, 'days must be a whole number of days, 1 to 90'),
    v.maxValue(90, 'days must be a whole number of days, 1 to 90'),
  ),
});

const ReplaySchema = v.object({
  token: v.string('token: reload the page and try again'),
  subject: v.pipe(
    v.string('subject is required'),
    v.minLength(1, 'subject is required'),
    v.maxLength(300, 'subject is too long'),
  ),
  destination: oneOf(DESTINATION_NAMES, 'destination'),
});

export class QueryError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('; '));
  }
}

function parse<T extends v.GenericSchema>(schema: T, input: Record<string, string>): v.InferOutput<T> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new QueryError(result.issues.map((issue) => issue.message));
}

const fields = (params: URLSearchParams) => Object.fromEntries(params.entries());

export function parseListQuery(params: URLSearchParams): {
  query: ListQuery;
  filter: DeliveryFilter;
  cursor?: string;
} {
  const parsed = parse(ListQuerySchema, fields(params));
  const { cursor, ...rest } = parsed;
  const query: ListQuery = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  );
  const filter: DeliveryFilter = {
    ...(parsed.destination ? { destination: parsed.destination } : {}),
    ...(parsed.status ? { listing: parsed.status as (typeof DELIVERY_LISTINGS)[number] } : {}),
    ...(parsed.reason ? { reason: parsed.reason } : {}),
    ...(parsed.crm ? { crm: parsed.crm } : {}),
    ...(parsed.from ? { from: Date.parse(`${parsed.from}T00:00:00Z`) } : {}),
    ...(parsed.to ? { to: Date.parse(`${parsed.to}T00:00:00Z`) + 86_400_000 - 1 } : {}),
  };
  return { query, filter, ...(cursor ? { cursor } : {}) };
}

export function parseDays(params: URLSearchParams): number {
  return parse(DaysSchema, fields(params)).days ?? 14;
}

export function parseReplay(params: URLSearchParams): {
  token: string;
  subject: string;
  destination?: string;
} {
  const parsed = parse(ReplaySchema, fields(params));
  return {
    token: parsed.token,
    subject: parsed.subject,
    ...(parsed.destination ? { destination: parsed.destination } : {}),
  };
}
