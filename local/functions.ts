import type { Context } from 'aws-lambda';
import { CRM_SOURCES } from '../lib/crm/registry';
import { FUNCTION_NAMES, type FunctionName } from '../lib/http/routes';

// biome-ignore lint/suspicious/noExplicitAny: each function has its own event type; the registry is untyped.
export type AnyHandler = (event: any, context: Context) => Promise<unknown>;

/**
 * The Lambda handlers exactly as deployed (functions/<name>.ts, as serverless.yml packages them), loaded
 * on demand so their runtime reads the environment the local process has set up (embedded DynamoDB
 * endpoint) by the time of the first call. A CRM route served by functions/crm-webhook.ts (its CRM
 * declares `lambda`) gets that handler for its CRM, as its deployed function does through `CRM_NAME`.
 */
const crmHandlers = new Map<FunctionName, AnyHandler>();

export async function loadHandler(name: FunctionName): Promise<AnyHandler | undefined> {
  if (!FUNCTION_NAMES.includes(name)) return undefined;
  const known = crmHandlers.get(name);
  if (known) return known;
  const crm = CRM_SOURCES.find(
    (source) => source.lambda && source.routes.some((route) => route.functionName === name),
  );
  if (crm) {
    const [{ createCrmWebhookHandler }, { getDefaultRuntime }] = await Promise.all([
      import('../functions/crm-webhook'),
      import('../functions/runtime'),
    ]);
    const handler = createCrmWebhookHandler(crm, getDefaultRuntime);
    crmHandlers.set(name, handler);
    return handler;
  }
  return ((await import(`../functions/${name}`)) as { handler: AnyHandler }).handler;
}
