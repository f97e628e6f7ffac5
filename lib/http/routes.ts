/**
 * DESIGN.md's HTTP routes, in one place: the local server dispatches by this table and a test holds
 * serverless.yml's HTTP API events to it.
 */
export const FUNCTION_NAMES = ['collect', 'hubspot-webhook', 'salesforce-webhook', 'backfill'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export type HttpRoute = { method: 'POST'; path: string; functionName: FunctionName };

export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'POST', path: '/v1/events', functionName: 'collect' },
  { method: 'POST', path: '/webhooks/hubspot', functionName: 'hubspot-webhook' },
  { method: 'POST', path: '/webhooks/salesforce/{token}', functionName: 'salesforce-webhook' },
];

/** Matches a request path against a route path with `{param}` segments; the parameters, or undefined. */
export function matchRoute(routePath: string, requestPath: string): Record<string, string> | undefined {
  const routeParts = routePath.split('/');
  const requestParts = requestPath.replace(/\/+$/, '').split('/');
  if (routeParts.length !== requestParts.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < routeParts.length; index++) {
    const routePart = routeParts[index] as string;
    const requestPart = requestParts[index] as string;
    const param = /^\{(\w+)\}$/.exec(routePart)?.[1];
    if (param !== undefined) {
      if (requestPart === '') return undefined;
      params[param] = decodeURIComponent(requestPart);
    } else if (routePart !== requestPart) return undefined;
  }
  return params;
}
