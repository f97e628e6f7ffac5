import type { CrmSource } from '../types';
import { hubspotPoller } from './poller';
import { HUBSPOT_RECEIPT_SOURCE } from './process-webhook';
import { type HubspotConfig, hubspotSettings } from './settings';

/** HubSpot: deals, through the Webhooks API (or a workflow's webhook) and the CRM search API. */
export const hubspotSource = {
  name: 'hubspot',
  displayName: 'HubSpot',
  receiptSource: HUBSPOT_RECEIPT_SOURCE,
  settings: hubspotSettings,
  routes: [{ method: 'POST', path: '/webhooks/hubspot', functionName: 'hubspot-webhook' }],
  poller: hubspotPoller,
} as const satisfies CrmSource<HubspotConfig>;
