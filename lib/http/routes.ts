import { CRM_SOURCES } from '../crm/registry';
import type { CrmEventIntake } from '../crm/types';
import type { HttpRoute } from './match-route';

/**
 * DESIGN.md's functions and HTTP routes, in one place: the core ones (the collect endpoint, the scheduled
 * backfill) beside each CRM's webhook routes and event-bus intakes from lib/crm/registry.ts. The local
 * server dispatches by this table and tests hold serverless.yml's functions, HTTP API events and event
 * rules to it.
 */
const CORE_ROUTES: readonly HttpRoute[] = [{ method: 'POST', path: '/v1/events', functionName: 'collect' }];
/**
 * Functions no HTTP route reaches: EventBridge's schedule (and a manual invoke) starts the backfill; the
 * doctor and erase are only ever invoked by hand.
 */
const CORE_UNROUTED_FUNCTIONS = ['backfill', 'doctor', 'erase'] as const;

export const HTTP_ROUTES: readonly HttpRoute[] = [
  ...CORE_ROUTES,
  ...CRM_SOURCES.flatMap((crm) => crm.routes),
];

/** The CRMs' intakes fed by an event bus (no route reaches them; each is deployed on demand). */
export const EVENT_INTAKES: readonly CrmEventIntake[] = CRM_SOURCES.flatMap((crm) => crm.eventIntakes ?? []);

/** A Lambda function's name: functions/<name>.ts, serverless.yml's key, `npm run invoke -- <name>`. */
export type FunctionName = string;

export const FUNCTION_NAMES: readonly FunctionName[] = [
  ...new Set(HTTP_ROUTES.map((route) => route.functionName)),
  ...EVENT_INTAKES.map((intake) => intake.functionName),
  ...CORE_UNROUTED_FUNCTIONS,
];
