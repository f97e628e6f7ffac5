import { publicRequestUri } from '../http/public-uri';
import { type HttpEvent, header, rawBody } from '../http/request';
import type { WebhookRequest } from './types';

/**
 * An API Gateway event as a CRM webhook's verification reads it. The body is read (and size-checked) only
 * when asked for, once: a webhook that is not configured answers 401 before a too-large body answers 413.
 */
export function webhookRequest(
  event: HttpEvent,
  options: { maxBodyBytes: number; publicBaseUrl: string | undefined },
): WebhookRequest {
  let body: string | undefined;
  return {
    method: event.requestContext?.http?.method ?? 'POST',
    uri: publicRequestUri(event, options.publicBaseUrl),
    header: (name) => header(event, name),
    pathParameter: (name) => event.pathParameters?.[name],
    body: () => {
      body ??= rawBody(event, options.maxBodyBytes);
      return body;
    },
  };
}
