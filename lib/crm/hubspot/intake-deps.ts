import type { StageDefinition } from '../../domain';
import type { MetricsRecorder } from '../../observability/metrics';
import type { InlineHandoff } from '../../pipeline/inline-dispatch';
import type { Store } from '../../store/store';
import type { IntakeLogger } from '../intake';
import type { CrmIntakeSummary } from '../types';
import type { HubspotClient, HubspotPipeline } from './client';
import type { HubspotMappingContext } from './map-deal';

/** What HubSpot's intake needs, shared by the webhook, the deferred deals' resumption and the polling. */
export const HUBSPOT_RECEIPT_SOURCE = 'hubspot';

export type HubspotIntakeDeps = {
  store: Store;
  /** Absent without HUBSPOT_ACCESS_TOKEN: then only what the payload carries is used. */
  client: HubspotClient | undefined;
  leadIdProperty: string;
  defaultCurrency: string;
  /** DEFAULT_PHONE_COUNTRY: the country of a contact's national phone number when the contact names none. */
  defaultPhoneCountry?: string | undefined;
  closureReasonMap: Readonly<Record<string, string>>;
  now: () => number;
  /** Epoch ms by which the CRM API calls must be done (they share HubSpot's 5-second answer window). */
  apiDeadline: number;
  logger: IntakeLogger;
  /** HUBSPOT_CONTACT_LEAD_ID_PROPERTY: where a contact holds its lead ID (default `lead_id`). */
  contactLeadIdProperty?: string;
  /** CONVERSION_STAGES: deals reaching one are recorded as stages beside their closes (empty: closes only). */
  stages?: readonly StageDefinition[];
  /** Counts ClosesRecorded by CRM when given. */
  metrics?: MetricsRecorder;
  /**
   * The webhook's hand-over to the destinations: closes are recorded under its claim and dispatched by
   * the intake as soon as they are durable, beside the receipts' write. The backfill records without one.
   */
  inline?: InlineHandoff;
};

export type HubspotIntakeSummary = CrmIntakeSummary & {
  /** Deals left for the backfill because HubSpot's API could not be read in time. */
  deferred: number;
};

/** How deals are mapped in this deployment; shared with the backfill's polling (record-polled-deals.ts). */
export function hubspotMappingContext(
  deps: Pick<
    HubspotIntakeDeps,
    'leadIdProperty' | 'defaultCurrency' | 'defaultPhoneCountry' | 'closureReasonMap' | 'now' | 'stages'
  >,
  pipelines: HubspotPipeline[] | undefined,
): HubspotMappingContext {
  return {
    leadIdProperty: deps.leadIdProperty,
    defaultCurrency: deps.defaultCurrency,
    ...(deps.defaultPhoneCountry ? { defaultPhoneCountry: deps.defaultPhoneCountry } : {}),
    closureReasonMap: deps.closureReasonMap,
    ...(pipelines ? { pipelines } : {}),
    now: deps.now(),
    stages: deps.stages,
  };
}
