import { changedCloseKeys } from '../lib/crm/intake';
import { createSalesforceClient } from '../lib/crm/salesforce/client';
import { SALESFORCE_ACK } from '../lib/crm/salesforce/outbound-message';
import {
  createPrimaryContactReader,
  type PrimaryContactReader,
} from '../lib/crm/salesforce/primary-contacts';
import { salesforceWebhook } from '../lib/crm/salesforce/webhook';
import { webhookRequest } from '../lib/crm/webhook-request';
import { jsonResult } from '../lib/http/request';
import { httpHandler, type RuntimeSource } from './middleware';
import { getDefaultRuntime, type Runtime } from './runtime';

/** Salesforce waits 60 s for the Ack (reference §5); Lambda's 30 s timeout is the tighter bound. */
const SALESFORCE_TIMEOUT_MS = 60_000;
/** The primary contacts' SOQL query must be done by then, leaving the rest of the answer window to the writes. */
const CONTACT_READ_BUDGET_MS = 10_000;

/** The primary-contact reader when the REST API is configured (SALESFORCE_INSTANCE_URL, SALESFORCE_ACCESS_TOKEN). */
function primaryContactsFor(runtime: Runtime, deadline: number): PrimaryContactReader | undefined {
  const { instanceUrl, accessToken, apiVersion } = runtime.config.salesforce;
  if (!instanceUrl || !accessToken) return undefined;
  const client = createSalesforceClient({
    instanceUrl,
    accessToken,
    apiVersion,
    fetch: runtime.fetch,
    now: runtime.now,
  });
  return createPrimaryContactReader(client, { deadline });
}

/**
 * `POST /webhooks/salesforce/{token}`: the path token (constant-time), then the body — an Outbound Message
 * (SOAP, answered with the Ack once recorded) or Flow JSON — then the org. A rejected message gets no Ack,
 * so Salesforce keeps it in its queue instead of believing it delivered.
 */
export function createSalesforceWebhookHandler(source: RuntimeSource) {
  return httpHandler(source, async (event, runtime, context) => {
    const startedAt = runtime.now();
    const settings = runtime.config.salesforce;
    const request = webhookRequest(event, {
      maxBodyBytes: salesforceWebhook.maxBodyBytes,
      publicBaseUrl: runtime.config.publicBaseUrl,
    });
    salesforceWebhook.verify(request, settings);
    const webhook = salesforceWebhook.parse(request, settings);
    // The intake hands what it records to the destinations itself, as soon as it is durable.
    const inline = runtime.inlineHandoff({
      remainingMs: context.getRemainingTimeInMillis(),
      answerBy: startedAt + SALESFORCE_TIMEOUT_MS - 5000,
    });
    const summary = await salesforceWebhook.record(webhook, {
      store: runtime.store,
      leadIdField: settings.leadIdField,
      lossReasonField: settings.lossReasonField,
      defaultCurrency: runtime.config.defaultCurrency,
      defaultPhoneCountry: runtime.config.defaultPhoneCountry,
      closureReasonMap: runtime.config.closureReasonMap,
      stages: runtime.config.conversionStages,
      now: runtime.now,
      logger: runtime.logger,
      metrics: runtime.metrics,
      inline,
      primaryContacts: primaryContactsFor(runtime, startedAt + CONTACT_READ_BUDGET_MS),
    });
    const closeKeys = changedCloseKeys(summary.results);
    runtime.logger.info('salesforce webhook processed', {
      kind: webhook.kind,
      received: summary.received,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
      recorded: closeKeys.length,
    });
    if (webhook.kind === 'outbound-message') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: SALESFORCE_ACK,
      };
    }
    return jsonResult(200, {
      received: summary.received,
      recorded: closeKeys.length,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
    });
  });
}

export const handler = createSalesforceWebhookHandler(getDefaultRuntime);
