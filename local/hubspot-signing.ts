import { signV3 } from '../lib/crm/hubspot/signature';
import { publicRequestUri } from '../lib/http/public-uri';
import type { HttpEvent } from '../lib/http/request';

/**
 * Local mode only: signs a HubSpot webhook request the way HubSpot does (v3), so that the samples in
 * events/hubspot and hand-made requests pass verification with the local HUBSPOT_CLIENT_SECRET.
 */
export function hubspotSignatureHeaders(input: {
  clientSecret: string;
  method?: string;
  uri: string;
  body: string;
  timestamp: number;
}): Record<string, string> {
  const timestamp = String(input.timestamp);
  return {
    'x-hubspot-signature-v3': signV3({
      clientSecret: input.clientSecret,
      method: input.method ?? 'POST',
      uri: input.uri,
      body: input.body,
      timestamp,
    }),
    'x-hubspot-request-timestamp': timestamp,
  };
}

/** The same API Gateway event with a fresh v3 signature over its own method, URI and body. */
export function resignHubspotEvent(
  event: HttpEvent,
  options: { clientSecret: string; now: number; publicBaseUrl: string | undefined },
): HttpEvent {
  const body = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).filter(
      ([name]) => !['x-hubspot-signature-v3', 'x-hubspot-request-timestamp'].includes(name.toLowerCase()),
    ),
  );
  return {
    ...event,
    headers: {
      ...headers,
      ...hubspotSignatureHeaders({
        clientSecret: options.clientSecret,
        method: event.requestContext?.http?.method ?? 'POST',
        uri: publicRequestUri(event, options.publicBaseUrl),
        body,
        timestamp: options.now,
      }),
    },
  };
}

/**
 * What `npm run invoke` sends for a sample of events/hubspot: re-signed with the local secret and a fresh
 * timestamp, except the samples that show a refusal — `bad-stale*` keep their old timestamp, and
 * `bad-signature*` get a fresh timestamp but keep their wrong signature.
 */
export function prepareHubspotSample(
  sampleFileName: string,
  event: HttpEvent,
  options: { clientSecret: string; now: number; publicBaseUrl: string | undefined },
): HttpEvent {
  if (sampleFileName.startsWith('bad-stale')) return event;
  if (sampleFileName.startsWith('bad-signature')) {
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'x-hubspot-request-timestamp',
      ),
    );
    return { ...event, headers: { ...headers, 'x-hubspot-request-timestamp': String(options.now) } };
  }
  return resignHubspotEvent(event, options);
}
