import type { CrmSource } from '../types';
import { HUBSPOT_RECEIPT_SOURCE, type HubspotIntakeDeps } from './intake-deps';
import { type HubspotDealView, type HubspotMappingContext, mapHubspotDeal } from './map-deal';
import { hubspotPoller } from './poller';
import { type HubspotConfig, hubspotSettings } from './settings';
import { hubspotWebhook } from './webhook';
import type { HubspotWebhook } from './webhook-payload';

/** The types HubSpot's members are written in. */
export type HubspotTypes = {
  settings: HubspotConfig;
  webhook: HubspotWebhook;
  recordDeps: HubspotIntakeDeps;
  deal: HubspotDealView;
  mappingContext: HubspotMappingContext;
};

/** HubSpot: deals, through the Webhooks API (or a workflow's webhook) and the CRM search API. */
export const hubspotSource = {
  name: 'hubspot',
  displayName: 'HubSpot',
  receiptSource: HUBSPOT_RECEIPT_SOURCE,
  settings: hubspotSettings,
  routes: [{ method: 'POST', path: '/webhooks/hubspot', functionName: 'hubspot-webhook' }],
  webhook: hubspotWebhook,
  mapToClose: mapHubspotDeal,
  poller: hubspotPoller,
} as const satisfies CrmSource<HubspotTypes>;
