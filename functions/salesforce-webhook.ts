import { changedCloseKeys } from '../lib/crm/intake';
import {
  parseFlowPayload,
  reportsFromOutboundMessage,
  type SalesforceWebhook,
} from '../lib/crm/salesforce/flow-payload';
import { parseOutboundMessage, SALESFORCE_ACK } from '../lib/crm/salesforce/outbound-message';
import { processSalesforceWebhook } from '../lib/crm/salesforce/process-webhook';
import { sameSalesforceId } from '../lib/crm/salesforce/record-id';
import { AuthenticationError, ForbiddenError, PayloadValidationError } from '../lib/errors';
import { type HttpEvent, header, jsonResult, parseJsonBody, rawBody } from '../lib/http/request';
import { secureEquals } from '../lib/http/secure-compare';
import { dispatchWithinBudget } from './inline-dispatch';
import { httpHandler, type RuntimeSource } from './middleware';
import { getDefaultRuntime } from './runtime';

/** 100 notifications with every Opportunity field stay far below this; API Gateway allows 10 MB. */
export const SALESFORCE_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Salesforce waits 60 s for the Ack (reference §5); Lambda's 30 s timeout is the tighter bound. */
const SALESFORCE_TIMEOUT_MS = 60_000;

function isSoap(event: HttpEvent, body: string): boolean {
  const type = header(event, 'content-type')?.toLowerCase() ?? '';
  if (type.includes('xml')) return true;
  if (type.includes('json')) return false;
  return body.trimStart().startsWith('<');
}

/**
 * `POST /webhooks/salesforce/{token}`: the path token (constant-time), then the body — an Outbound Message
 * (SOAP, answered with the Ack once recorded) or Flow JSON — then the org. A rejected message gets no Ack,
 * so Salesforce keeps it in its queue instead of believing it delivered.
 */
export function createSalesforceWebhookHandler(source: RuntimeSource) {
  return httpHandler(source, async (event, runtime, context) => {
    const startedAt = runtime.now();
    const { webhookToken, orgId, leadIdField, lossReasonField } = runtime.config.salesforce;
    if (!webhookToken || !orgId) {
      throw new AuthenticationError(
        'the Salesforce webhook is disabled: SALESFORCE_WEBHOOK_TOKEN and SALESFORCE_ORG_ID are required',
      );
    }
    const token = event.pathParameters?.token ?? '';
    if (!secureEquals(token, webhookToken)) throw new AuthenticationError('invalid webhook token');
    const body = rawBody(event, SALESFORCE_MAX_BODY_BYTES);
    if (body.trim() === '') throw new PayloadValidationError([{ field: '(body)', message: 'required' }]);
    const soap = isSoap(event, body);
    const checkOrg = (organizationId: string | undefined) => {
      if (organizationId !== undefined && !sameSalesforceId(organizationId, orgId)) {
        throw new ForbiddenError('OrganizationId is not the configured SALESFORCE_ORG_ID');
      }
    };
    let webhook: SalesforceWebhook;
    if (soap) {
      // The org is checked before the Opportunity fields: a foreign org learns nothing about our schema.
      const message = parseOutboundMessage(body);
      checkOrg(message.organizationId);
      webhook = reportsFromOutboundMessage(message);
    } else {
      // A Flow envelope names its org; a bare Flow record relies on the path token alone.
      webhook = parseFlowPayload(parseJsonBody(body));
      checkOrg(webhook.organizationId);
    }
    const summary = await processSalesforceWebhook(webhook, {
      store: runtime.store,
      leadIdField,
      lossReasonField,
      defaultCurrency: runtime.config.defaultCurrency,
      closureReasonMap: runtime.config.closureReasonMap,
      now: runtime.now,
      logger: runtime.logger,
      metrics: runtime.metrics,
    });
    const closeKeys = changedCloseKeys(summary.results);
    await dispatchWithinBudget(closeKeys, runtime, context, startedAt + SALESFORCE_TIMEOUT_MS - 5000);
    runtime.logger.info('salesforce webhook processed', {
      kind: soap ? 'outbound-message' : 'flow-json',
      received: summary.received,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
      recorded: closeKeys.length,
    });
    if (soap) {
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
