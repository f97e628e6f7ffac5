import type { HttpEvent } from '../../lib/http/request';
import { T0 } from './clock';
import { TEST_COLLECT_KEY } from './runtime';

/**
 * The API Gateway (HTTP API, payload format 2.0) event of a POST to one of DESIGN.md's routes, as the
 * route's Lambda receives it. With `host`, the request reached that host over HTTPS (API Gateway's Host and
 * X-Forwarded-Proto headers), which is what the webhooks' signature checks rebuild the called URL from.
 */
export function httpApiEvent(options: {
  routeKey: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  host?: string;
  pathParameters?: Record<string, string>;
  requestId?: string;
  now?: number;
}): HttpEvent {
  const host = options.host ?? 'localhost';
  const now = options.now ?? T0;
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path,
    rawQueryString: '',
    headers: options.host
      ? { host: options.host, 'x-forwarded-proto': 'https', ...options.headers }
      : options.headers,
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: 'POST',
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: options.requestId ?? 'test-request',
      routeKey: options.routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: options.body,
    isBase64Encoded: false,
  };
}

/** The event of `POST /v1/events` with a JSON body and the test's collect key. */
export function collectEvent(body: unknown): HttpEvent {
  return httpApiEvent({
    routeKey: 'POST /v1/events',
    path: '/v1/events',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
  });
}
