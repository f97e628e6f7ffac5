import type { Context } from 'aws-lambda';
import type { FunctionName } from '../lib/http/routes';

// biome-ignore lint/suspicious/noExplicitAny: each function has its own event type; the registry is untyped.
export type AnyHandler = (event: any, context: Context) => Promise<unknown>;

/**
 * The Lambda handlers exactly as deployed, loaded on demand so their runtime reads the environment
 * the local process has set up (embedded DynamoDB endpoint) by the time of the first call.
 */
export async function loadHandler(name: FunctionName): Promise<AnyHandler | undefined> {
  switch (name) {
    case 'collect':
      return (await import('../functions/collect')).handler;
    case 'hubspot-webhook':
      return (await import('../functions/hubspot-webhook')).handler;
    case 'salesforce-webhook':
      return (await import('../functions/salesforce-webhook')).handler;
    case 'backfill':
      return (await import('../functions/backfill')).handler;
    default:
      return undefined;
  }
}
