import { createHubspotClient, type HubspotClient } from '../lib/crm/hubspot/client';
import { hubspotWebhook } from '../lib/crm/hubspot/webhook';
import { changedCloseKeys } from '../lib/crm/intake';
import { webhookRequest } from '../lib/crm/webhook-request';
import { jsonResult } from '../lib/http/request';
import { httpHandler, type RuntimeSource } from './middleware';
import { getDefaultRuntime, type Runtime } from './runtime';

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
      const { accessToken, apiBaseUrl, apiVersion, primaryContactLabel } = runtime.config.hubspot;
      client = {
        runtime,
        client: accessToken
          ? createHubspotClient({
              baseUrl: apiBaseUrl,
              accessToken,
              apiVersion,
              primaryContactLabel,
              fetch: runtime.fetch,
              now: runtime.now,
            })
          : undefined,
      };
    }
    return client.client;
  };

  return httpHandler(source, async (event, runtime, context) => {
    const startedAt = runtime.now();
    const settings = runtime.config.hubspot;
    const request = webhookRequest(event, {
      maxBodyBytes: hubspotWebhook.maxBodyBytes,
      publicBaseUrl: runtime.config.publicBaseUrl,
    });
    const verified = hubspotWebhook.verify(request, settings, startedAt);
    const webhook = hubspotWebhook.parse(request);
    // The intake hands what it records to the destinations itself, as soon as it is durable.
    const inline = runtime.inlineHandoff({
      remainingMs: context.getRemainingTimeInMillis(),
      answerBy: startedAt + HUBSPOT_TIMEOUT_MS - ANSWER_MARGIN_MS,
    });
    const summary = await hubspotWebhook.record(webhook, {
      store: runtime.store,
      client: clientFor(runtime),
      leadIdProperty: settings.leadIdProperty,
      contactLeadIdProperty: settings.contactLeadIdProperty,
      defaultCurrency: runtime.config.defaultCurrency,
      defaultPhoneCountry: runtime.config.defaultPhoneCountry,
      closureReasonMap: runtime.config.closureReasonMap,
      stages: runtime.config.conversionStages,
      now: runtime.now,
      apiDeadline: startedAt + API_BUDGET_MS,
      logger: runtime.logger,
      metrics: runtime.metrics,
      inline,
    });
    const recorded = changedCloseKeys(summary.results).length;
    const stages = (summary.stages ?? []).filter((stage) => stage.created).length;
    runtime.logger.info('hubspot webhook processed', {
      kind: webhook.kind,
      ...verified,
      received: summary.received,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
      deferred: summary.deferred,
      recorded,
      stages,
    });
    return jsonResult(200, {
      received: summary.received,
      recorded,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
      deferred: summary.deferred,
      // New funnel stages, in a deployment that has CONVERSION_STAGES.
      ...(runtime.config.conversionStages.length > 0 ? { stages } : {}),
    });
  });
}

export const handler = createHubspotWebhookHandler(getDefaultRuntime);
