import type { Context } from 'aws-lambda';
import {
  type BackfillHandlerOptions,
  type BackfillResult,
  createBackfillHandler,
} from '../../functions/backfill';
import type { Runtime } from '../../functions/runtime';
import type { BackfillSummary } from '../../lib/backfill/run-backfill';
import { createLambdaContext } from '../../local/lambda-context';
import { HOUR, type TestClock } from './clock';

/** A Lambda context whose remaining time runs on the test's clock. */
export function clockContext(now: () => number, remainingMs: number): Context {
  const end = now() + remainingMs;
  return { ...createLambdaContext('backfill'), getRemainingTimeInMillis: () => Math.max(0, end - now()) };
}

/** Test defaults: no spacing between HubSpot searches, waits that only move the clock, fixed jitter. */
export function backfillOptions(
  clock: Pick<TestClock, 'advance'>,
  overrides: BackfillHandlerOptions = {},
): BackfillHandlerOptions {
  return {
    random: () => 0.5,
    pollTuning: { hubspot: { searchIntervalMs: 0 } },
    sleep: async (ms) => clock.advance(ms),
    ...overrides,
  };
}

/** Invokes the backfill handler as Lambda would, with `remainingMs` on the clock (default 15 minutes). */
export async function invokeBackfill(
  runtime: Runtime,
  clock: TestClock,
  event: unknown = { source: 'schedule' },
  options: { remainingMs?: number; handler?: BackfillHandlerOptions } = {},
): Promise<BackfillResult> {
  const handler = createBackfillHandler(runtime, backfillOptions(clock, options.handler));
  return handler(event, clockContext(clock.now, options.remainingMs ?? 0.25 * HOUR));
}

export function assertSummary(result: BackfillResult): BackfillSummary {
  if (!result.ok) throw new Error(`backfill refused: ${JSON.stringify(result.issues)}`);
  if ('replay' in result) throw new Error('a replay answered where a backfill run was expected');
  return result;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A closed-won HubSpot deal as the CRM API stores it (properties as strings). */
export function hubspotDeal(
  leadId: string,
  modifiedAt: number,
  overrides: Record<string, string | null> = {},
): Record<string, string | null> {
  return {
    dealstage: 'closedwon',
    pipeline: 'default',
    amount: '4500.00',
    deal_currency_code: 'USD',
    closedate: iso(modifiedAt - 60_000),
    createdate: iso(modifiedAt - 40 * 24 * HOUR),
    closed_won_reason: 'Great fit',
    closed_lost_reason: null,
    dealtype: 'newbusiness',
    hs_is_closed_won: 'true',
    hs_is_closed: 'true',
    hs_lastmodifieddate: iso(modifiedAt),
    lead_id: leadId,
    ...overrides,
  };
}

/** A closed Opportunity as SOQL returns it. */
export function salesforceOpportunity(
  id: string,
  leadId: string,
  modifiedAt: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Id: id,
    StageName: 'Closed Won',
    IsWon: true,
    IsClosed: true,
    Amount: 12000,
    CloseDate: iso(modifiedAt).slice(0, 10),
    CreatedDate: iso(modifiedAt - 30 * 24 * HOUR),
    LastModifiedDate: iso(modifiedAt),
    SystemModstamp: iso(modifiedAt),
    Type: 'New Customer',
    Lead_ID__c: leadId,
    Loss_Reason__c: null,
    ...overrides,
  };
}
