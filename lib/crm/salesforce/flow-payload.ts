import { PayloadValidationError } from '../../errors';
import { type OpportunityReport, parseOpportunities } from './opportunity';
import type { OutboundMessage } from './outbound-message';
import { SALESFORCE_ID_PATTERN } from './record-id';

/**
 * JSON from a record-triggered Flow's HTTP Callout (the connector's documented shape, README "Flow JSON"):
 * the Opportunity's fields by API name, as Salesforce serialises a record, in one of three forms —
 *   1. one Opportunity: `{ "Id": "006…", "StageName": "Closed Won", "IsWon": true, … }`;
 *   2. an array of them (at most 100);
 *   3. an envelope `{ "OrganizationId": "00D…", "Opportunities": [ … ] }`, which lets the connector check
 *      the org as it does for Outbound Messages (recommended; the Flow sets it from `$Organization.Id`).
 * Each record may carry `"attributes": { "type": "Opportunity" }` (Salesforce's JSON form; other types are
 * ignored) and a `"Contact"` object with Contact field names (Email, Phone, …) for fallback identifiers.
 */
export const MAX_FLOW_RECORDS = 100;

export type SalesforceWebhook = {
  /** Present for Outbound Messages (always) and Flow envelopes; checked against SALESFORCE_ORG_ID. */
  organizationId: string | undefined;
  reports: OpportunityReport[];
  /** Records of another object type, acknowledged and ignored. */
  otherObjects: number;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordType(record: Record<string, unknown>): string | undefined {
  const attributes = record.attributes;
  return isRecord(attributes) && typeof attributes.type === 'string' ? attributes.type : undefined;
}

export function parseFlowPayload(body: unknown): SalesforceWebhook {
  let organizationId: string | undefined;
  let records: unknown[];
  let prefix: string;
  if (Array.isArray(body)) {
    records = body;
    prefix = '';
  } else if (isRecord(body) && 'Opportunities' in body) {
    if (!Array.isArray(body.Opportunities)) {
      throw new PayloadValidationError([
        { field: 'Opportunities', message: 'must be an array of Opportunities' },
      ]);
    }
    if (body.OrganizationId !== undefined) {
      if (
        typeof body.OrganizationId !== 'string' ||
        !SALESFORCE_ID_PATTERN.test(body.OrganizationId.trim())
      ) {
        throw new PayloadValidationError([
          { field: 'OrganizationId', message: 'must be a 15- or 18-character Salesforce ID' },
        ]);
      }
      organizationId = body.OrganizationId.trim();
    }
    records = body.Opportunities;
    prefix = 'Opportunities';
  } else if (isRecord(body) && 'Id' in body) {
    records = [body];
    prefix = '(record)';
  } else {
    throw new PayloadValidationError([
      {
        field: '(body)',
        message:
          'expected a Salesforce Outbound Message (SOAP) or Flow JSON: an Opportunity, an array of them, or { OrganizationId, Opportunities }',
      },
    ]);
  }
  if (records.length === 0)
    throw new PayloadValidationError([{ field: prefix || '(body)', message: 'must not be empty' }]);
  if (records.length > MAX_FLOW_RECORDS) {
    throw new PayloadValidationError([
      { field: prefix || '(body)', message: `at most ${MAX_FLOW_RECORDS} records a request` },
    ]);
  }
  let otherObjects = 0;
  const opportunities: { record: unknown; contact?: unknown; path: string }[] = [];
  records.forEach((record, index) => {
    const path = prefix === '(record)' ? '' : `${prefix}[${index}]`;
    if (!isRecord(record)) {
      throw new PayloadValidationError([
        { field: path || '(body)', message: 'expected an Opportunity object' },
      ]);
    }
    const type = recordType(record);
    if (type !== undefined && type !== 'Opportunity') {
      otherObjects++;
      return;
    }
    const { Contact: contact, attributes: _attributes, ...fields } = record;
    opportunities.push({ record: fields, ...(contact === undefined ? {} : { contact }), path });
  });
  return { organizationId, reports: parseOpportunities(opportunities), otherObjects };
}

/** An Outbound Message's notifications as Opportunity reports (other sObject types are ignored). */
export function reportsFromOutboundMessage(message: OutboundMessage): SalesforceWebhook {
  let otherObjects = 0;
  const opportunities: { record: unknown; path: string; receiptId: string }[] = [];
  message.notifications.forEach((notification, index) => {
    if (notification.objectType !== undefined && notification.objectType !== 'Opportunity') {
      otherObjects++;
      return;
    }
    opportunities.push({
      record: notification.fields,
      path: `Envelope.Body.notifications.Notification[${index}].sObject`,
      receiptId: notification.id,
    });
  });
  return { organizationId: message.organizationId, reports: parseOpportunities(opportunities), otherObjects };
}
