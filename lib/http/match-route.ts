import { PayloadValidationError } from '../errors';

/** One HTTP route of the API (API Gateway's HTTP API, and the local server) and the function behind it. */
export type HttpRoute = {
  method: 'POST';
  /** API Gateway's path syntax: `{param}` segments are path parameters. */
  path: string;
  /** The Lambda function serving it: functions/<functionName>.ts, and serverless.yml's key. */
  functionName: string;
};

/**
 * Matches a request path against a route path with `{param}` segments; the parameters, or undefined. A
 * parameter whose percent-encoding is malformed (`%zz`, a lone `%`) is the caller's mistake: a 400 naming
 * the path, never the URIError's 500.
 */
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
      params[param] = decodePathSegment(requestPart);
    } else if (routePart !== requestPart) return undefined;
  }
  return params;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    throw new PayloadValidationError([{ field: 'path', message: 'has a malformed percent-encoding' }], {
      cause: error,
    });
  }
}
