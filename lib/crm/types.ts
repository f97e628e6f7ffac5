import type * as v from 'valibot';
import type { CrmPoller } from '../backfill/poll-crm';
import type { CrmName } from '../domain';
import type { HttpRoute } from '../http/match-route';
import type { SettingsSlice } from '../settings';

/**
 * The CRM contract: all the rest of the connector knows of one CRM. A CRM is one folder under lib/crm/
 * (its settings, webhook, intake, client and poller) exporting a `CrmSource`; lib/crm/registry.ts lists
 * them, and the configuration, the backfill, the HTTP routes, the local server and the status report loop
 * over that list.
 */
export type CrmSource<TSettings = unknown> = {
  /** Its name in records: closes' `crm`, deal pointers, checkpoints, deferred work, the metrics' `crm`. */
  name: CrmName;
  /** As the ad platforms' lead-source fields show it (Meta and TikTok `lead_event_source`, GA4 `lead_source`). */
  displayName: string;
  /** The source its webhook receipts are kept under: a redelivered notification is recognised by it. */
  receiptSource: string;
  /** Its settings (settings.ts): the variables it reads, and its part of the configuration, `config[key]`. */
  settings: SettingsSlice<string, v.ObjectEntries, TSettings>;
  /** Its webhook's routes, each served by its own Lambda function (functions/<functionName>.ts). */
  routes: readonly HttpRoute[];
  /** The backfill's polling for closes whose webhook never came, deferred work first. */
  poller?: CrmPoller<TSettings>;
};
