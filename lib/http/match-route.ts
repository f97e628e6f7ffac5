/** One HTTP route of the API (API Gateway's HTTP API, and the local server) and the function behind it. */
export type HttpRoute = {
  method: 'POST';
  /** API Gateway's path syntax: `{param}` segments are path parameters. */
  path: string;
  /** The Lambda function serving it: functions/<functionName>.ts, and serverless.yml's key. */
  functionName: string;
};

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
