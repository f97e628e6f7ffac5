import { AuthenticationError, ForbiddenError, PayloadValidationError } from '../../errors';
import { parseJsonBody } from '../../http/request';
import { secureEquals } from '../../http/secure-compare';
import type { WebhookRequest } from '../types';
import { parseFlowPayload, reportsFromOutboundMessage, type SalesforceWebhook } from './flow-payload';
import { parseOutboundMessage } from './outbound-message';
import { processSalesforceWebhook } from './process-webhook';
import { sameSalesforceId } from './record-id';
import type { SalesforceConfig } from './settings';

/** 100 notifications with every Opportunity field stay far below this; API Gateway allows 10 MB. */
export const SALESFORCE_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A parsed call, and which of the two forms it came in: an Outbound Message is answered with an Ack. */
export type SalesforceWebhookCall = SalesforceWebhook & { kind: 'outbound-message' | 'flow-json' };

function isSoap(request: WebhookRequest, body: string): boolean {
  const type = request.header('content-type')?.toLowerCase() ?? '';
  if (type.includes('xml')) return true;
  if (type.includes('json')) return false;
  return body.trimStart().startsWith('<');
}

/**
 * `POST /webhooks/salesforce/{token}`: the path token (constant-time), then the body — an Outbound Message
 * (SOAP) or Flow JSON — then the org, then every close it reports recorded (process-webhook.ts).
 */
export const salesforceWebhook = {
  maxBodyBytes: SALESFORCE_MAX_BODY_BYTES,
  verify(request: WebhookRequest, settings: SalesforceConfig) {
    const { webhookToken, orgId } = settings;
    if (!webhookToken || !orgId) {
      throw new AuthenticationError(
        'the Salesforce webhook is disabled: SALESFORCE_WEBHOOK_TOKEN and SALESFORCE_ORG_ID are required',
      );
    }
    const token = request.pathParameter('token') ?? '';
    if (!secureEquals(token, webhookToken)) throw new AuthenticationError('invalid webhook token');
    return {};
  },
  parse(request: WebhookRequest, settings: SalesforceConfig): SalesforceWebhookCall {
    const body = request.body();
    if (body.trim() === '') throw new PayloadValidationError([{ field: '(body)', message: 'required' }]);
    const checkOrg = (organizationId: string | undefined) => {
      if (
        organizationId !== undefined &&
        (settings.orgId === undefined || !sameSalesforceId(organizationId, settings.orgId))
      ) {
        throw new ForbiddenError('OrganizationId is not the configured SALESFORCE_ORG_ID');
      }
    };
    if (isSoap(request, body)) {
      // The org is checked before the Opportunity fields: a foreign org learns nothing about our schema.
      const message = parseOutboundMessage(body);
      checkOrg(message.organizationId);
      return { ...reportsFromOutboundMessage(message), kind: 'outbound-message' };
    }
    // A Flow envelope names its org; a bare Flow record relies on the path token alone.
    const webhook = parseFlowPayload(parseJsonBody(body));
    checkOrg(webhook.organizationId);
    return { ...webhook, kind: 'flow-json' };
  },
  record: processSalesforceWebhook,
};
