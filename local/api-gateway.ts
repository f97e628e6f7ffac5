import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpRoute } from '../lib/http/match-route';
import type { HttpEvent } from '../lib/http/request';

const TEXT_TYPES = /^(application\/(json|xml|soap\+xml|x-www-form-urlencoded)|text\/)/i;

/**
 * Builds the API Gateway HTTP API (payload format 2.0) event that Lambda would receive for a request:
 * lower-cased headers joined with commas, cookies split out, text bodies as UTF-8, others base64, and
 * `X-Forwarded-Proto: http` unless a proxy in front set it (the handlers sign-check the URL the caller used).
 */
export function toHttpApiEvent(request: {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  route: HttpRoute;
  pathParameters: Record<string, string>;
}): HttpEvent {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies = (Array.isArray(value) ? value.join('; ') : value).split(/;\s*/).filter(Boolean);
      continue;
    }
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway says how the caller came in; this server is plain HTTP (a proxy in front says otherwise).
  headers['x-forwarded-proto'] ??= 'http';
  const isText = TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const now = new Date();
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = queryStringParameters[name]
      ? `${queryStringParameters[name]},${value}`
      : value;
  }
  return {
    version: '2.0',
    routeKey: `${request.route.method} ${request.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    pathParameters: Object.keys(request.pathParameters).length > 0 ? request.pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${request.route.method} ${request.route.path}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body:
      request.body.length === 0
        ? undefined
        : isText
          ? request.body.toString('utf8')
          : request.body.toString('base64'),
    isBase64Encoded: request.body.length > 0 && !isText,
  };
}
