import { createHubspotClient, type HubspotClient } from '../lib/crm/hubspot/client';
import { processHubspotWebhook } from '../lib/crm/hubspot/process-webhook';
import { verifyHubspotSignature } from '../lib/crm/hubspot/signature';
import { parseHubspotWebhook } from '../lib/crm/hubspot/webhook-payload';
import { changedCloseKeys } from '../lib/crm/intake';
import { AuthenticationError } from '../lib/errors';
import { publicRequestUri } from '../lib/http/public-uri';
import { header, jsonResult, parseJsonBody, rawBody } from '../lib/http/request';
import { dispatchWithinBudget } from './inline-dispatch';
import { httpHandler, type RuntimeSource } from './middleware';
import { getDefaultRuntime, type Runtime } from './runtime';

/** 100 events are ~40 KB; a workflow body with every deal property stays well under 1 MB. */
export const HUBSPOT_MAX_BODY_BYTES = 1024 * 1024;
/** HubSpot waits 5 s for an answer, then counts a failure and retries (reference/platform-apis.md §4). */
const HUBSPOT_TIMEOUT_MS = 5000;
/** The share of that window the CRM API calls may use; the writes and the answer need the rest. */
const API_BUDGET_MS = 2500;
const ANSWER_MARGIN_MS = 1000;

/**
 * `POST /webhooks/hubspot`: verify the signature, validate the whole body, record every close it reports,
 * then answer 200. When HubSpot's API cannot be read in time, the deals are stored for the backfill to
 * read and record (still 200: the webhook is durably accepted); content problems answer 4xx and are never
 * retried.
 */
export function createHubspotWebhookHandler(source: RuntimeSource) {
  // One client per runtime, so its pipeline cache lives as long as the Lambda container.
  let client: { runtime: Runtime; client: HubspotClient | undefined } | undefined;
  const clientFor = (runtime: Runtime) => {
    if (client?.runtime !== runtime) {
      const { accessToken, apiBaseUrl } = runtime.config.hubspot;
      client = {
        runtime,
        client: accessToken
          ? createHubspotClient({ baseUrl: apiBaseUrl, accessToken, fetch: runtime.fetch, now: runtime.now })
          : undefined,
      };
    }
    return client.client;
  };

  return httpHandler(source, async (event, runtime, context) => {
    const startedAt = runtime.now();
    const { clientSecret, leadIdProperty } = runtime.config.hubspot;
    if (!clientSecret) {
      throw new AuthenticationError(
        'the HubSpot webhook is disabled: HUBSPOT_CLIENT_SECRET is not configured',
      );
    }
    const body = rawBody(event, HUBSPOT_MAX_BODY_BYTES);
    const { version } = verifyHubspotSignature(
      {
        method: event.requestContext?.http?.method ?? 'POST',
        uri: publicRequestUri(event, runtime.config.publicBaseUrl),
        body,
        header: (name) => header(event, name),
      },
      { clientSecret, now: startedAt },
    );
    const webhook = parseHubspotWebhook(parseJsonBody(body));
    const summary = await processHubspotWebhook(webhook, {
      store: runtime.store,
      client: clientFor(runtime),
      leadIdProperty,
      defaultCurrency: runtime.config.defaultCurrency,
      closureReasonMap: runtime.config.closureReasonMap,
      now: runtime.now,
      apiDeadline: startedAt + API_BUDGET_MS,
      logger: runtime.logger,
      metrics: runtime.metrics,
    });
    const closeKeys = changedCloseKeys(summary.results);
    await dispatchWithinBudget(
      closeKeys,
      runtime,
      context,
      startedAt + HUBSPOT_TIMEOUT_MS - ANSWER_MARGIN_MS,
    );
    const recorded = closeKeys.length;
    runtime.logger.info('hubspot webhook processed', {
      kind: webhook.kind,
      signature: version,
      received: summary.received,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
      deferred: summary.deferred,
      recorded,
    });
    return jsonResult(200, {
      received: summary.received,
      recorded,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
      deferred: summary.deferred,
    });
  });
}

export const handler = createHubspotWebhookHandler(getDefaultRuntime);
