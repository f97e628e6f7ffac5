import { AuthenticationError } from '../../errors';
import { parseJsonBody } from '../../http/request';
import type { WebhookRequest } from '../types';
import { processHubspotWebhook } from './process-webhook';
import type { HubspotConfig } from './settings';
import { verifyHubspotSignature } from './signature';
import { type HubspotWebhook, parseHubspotWebhook } from './webhook-payload';

/** 100 events are ~40 KB; a workflow body with every deal property stays well under 1 MB. */
export const HUBSPOT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * `POST /webhooks/hubspot`: HubSpot's request signature over the exact body (signature.ts), then the whole
 * body validated (webhook-payload.ts), then every close it reports recorded (process-webhook.ts).
 */
export const hubspotWebhook = {
  maxBodyBytes: HUBSPOT_MAX_BODY_BYTES,
  verify(request: WebhookRequest, settings: HubspotConfig, now: number) {
    if (!settings.clientSecret) {
      throw new AuthenticationError(
        'the HubSpot webhook is disabled: HUBSPOT_CLIENT_SECRET is not configured',
      );
    }
    const { version } = verifyHubspotSignature(
      { method: request.method, uri: request.uri, body: request.body(), header: request.header },
      { clientSecret: settings.clientSecret, now },
    );
    return { signature: version };
  },
  // HubSpot IDs are 64-bit: read exactly, never rounded to a double (two deals above 2^53 would collide).
  parse: (request: WebhookRequest): HubspotWebhook =>
    parseHubspotWebhook(parseJsonBody(request.body(), { exactIntegers: true })),
  record: processHubspotWebhook,
};
