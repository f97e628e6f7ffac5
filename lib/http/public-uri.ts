import { type HttpEvent, header } from './request';

/**
 * The full URI the caller used (scheme, host, path, query as sent), which HubSpot signs. Behind API Gateway
 * the host and scheme arrive in `Host` and `X-Forwarded-Proto`; behind a proxy or custom domain that
 * rewrites them, PUBLIC_BASE_URL (scheme + host) says what the caller saw.
 */
export function publicRequestUri(event: HttpEvent, publicBaseUrl: string | undefined): string {
  const path = event.rawPath || event.requestContext?.http?.path || '/';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  if (publicBaseUrl) return `${publicBaseUrl.replace(/\/+$/, '')}${path}${query}`;
  // API Gateway always sets X-Forwarded-Proto; without it (a bare local server) assume TLS, as in production.
  const scheme = (header(event, 'x-forwarded-proto') ?? 'https').split(',')[0]?.trim() || 'https';
  const host = header(event, 'host') ?? event.requestContext?.domainName ?? 'localhost';
  return `${scheme}://${host}${path}${query}`;
}
