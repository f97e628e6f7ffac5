import { type HttpEvent, header } from './request';

/**
 * The full URI the caller used (scheme, host, path, query as sent), which HubSpot signs. Behind API Gateway
 * the host and scheme arrive in `Host` and `X-Forwarded-Proto` (the local server sets `http`); a proxy in
 * front says what the caller saw in `X-Forwarded-Proto` and `X-Forwarded-Host`; PUBLIC_BASE_URL (scheme +
 * host), when set, says it for every request.
 */
export function publicRequestUri(event: HttpEvent, publicBaseUrl: string | undefined): string {
  const path = event.rawPath || event.requestContext?.http?.path || '/';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  if (publicBaseUrl) return `${publicBaseUrl.replace(/\/+$/, '')}${path}${query}`;
  // API Gateway and the local server always set X-Forwarded-Proto; without it (a sample event) assume TLS.
  const scheme = (header(event, 'x-forwarded-proto') ?? 'https').split(',')[0]?.trim() || 'https';
  const host =
    header(event, 'x-forwarded-host')?.split(',')[0]?.trim() ||
    header(event, 'host') ||
    event.requestContext?.domainName ||
    'localhost';
  return `${scheme}://${host}${path}${query}`;
}
