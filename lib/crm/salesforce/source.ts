import type { CrmSource } from '../types';
import { salesforcePoller } from './poller';
import { SALESFORCE_RECEIPT_SOURCE } from './process-webhook';
import { type SalesforceConfig, salesforceSettings } from './settings';

/** Salesforce: Opportunities, through Outbound Messages (or a Flow's HTTP callout) and SOQL. */
export const salesforceSource = {
  name: 'salesforce',
  displayName: 'Salesforce',
  receiptSource: SALESFORCE_RECEIPT_SOURCE,
  settings: salesforceSettings,
  routes: [{ method: 'POST', path: '/webhooks/salesforce/{token}', functionName: 'salesforce-webhook' }],
  poller: salesforcePoller,
} as const satisfies CrmSource<SalesforceConfig>;
