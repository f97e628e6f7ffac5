import type { Context } from 'aws-lambda';
import { FUNCTION_NAMES, type FunctionName } from '../lib/http/routes';

// biome-ignore lint/suspicious/noExplicitAny: each function has its own event type; the registry is untyped.
export type AnyHandler = (event: any, context: Context) => Promise<unknown>;

/**
 * The Lambda handlers exactly as deployed (functions/<name>.ts, as serverless.yml packages them), loaded
 * on demand so their runtime reads the environment the local process has set up (embedded DynamoDB
 * endpoint) by the time of the first call.
 */
export async function loadHandler(name: FunctionName): Promise<AnyHandler | undefined> {
  if (!FUNCTION_NAMES.includes(name)) return undefined;
  return ((await import(`../functions/${name}`)) as { handler: AnyHandler }).handler;
}
