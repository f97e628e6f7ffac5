import type { CrmSource } from '../types';
import { OPPORTUNITY_CHANGE_EVENT } from './change-event';
import {
  mapSalesforceOpportunity,
  type OpportunityView,
  type SalesforceMappingContext,
} from './map-opportunity';
import { salesforcePoller } from './poller';
import { SALESFORCE_RECEIPT_SOURCE, type SalesforceIntakeDeps } from './process-webhook';
import { SALESFORCE_CDC_RECEIPT_SOURCE } from './record-change-event';
import { type SalesforceConfig, salesforceSettings } from './settings';
import { type SalesforceWebhookCall, salesforceWebhook } from './webhook';

/** The types Salesforce's members are written in. */
export type SalesforceTypes = {
  settings: SalesforceConfig;
  webhook: SalesforceWebhookCall;
  recordDeps: SalesforceIntakeDeps;
  deal: OpportunityView;
  mappingContext: SalesforceMappingContext;
};

/** Salesforce: Opportunities, through Outbound Messages (or a Flow's HTTP callout) and SOQL. */
export const salesforceSource = {
  name: 'salesforce',
  displayName: 'Salesforce',
  receiptSource: SALESFORCE_RECEIPT_SOURCE,
  settings: salesforceSettings,
  routes: [{ method: 'POST', path: '/webhooks/salesforce/{token}', functionName: 'salesforce-webhook' }],
  // Change Data Capture through Event Relay: closes without a public endpoint (functions/salesforce-cdc.ts).
  eventIntakes: [
    {
      functionName: 'salesforce-cdc',
      busParameter: 'salesforceEventBusName',
      eventPattern: {
        source: [{ prefix: 'aws.partner/salesforce.com/' }],
        'detail-type': [OPPORTUNITY_CHANGE_EVENT],
      },
      receiptSource: SALESFORCE_CDC_RECEIPT_SOURCE,
    },
  ],
  webhook: salesforceWebhook,
  mapToClose: mapSalesforceOpportunity,
  poller: salesforcePoller,
} as const satisfies CrmSource<SalesforceTypes>;
