import type { SliceConfigs } from '../settings';
import { hubspotSource } from './hubspot/source';
import { PUSHED_CLOSE_SOURCE } from './lead-closed-event';
import { salesforceSource } from './salesforce/source';
import type { CrmSource, CrmTypes } from './types';

/**
 * The CRMs the connector takes closes from, in the order the backfill reports them. Adding one is its
 * folder under lib/crm/ and one line here (docs/extending.md).
 */
const REGISTERED = [hubspotSource, salesforceSource] as const;

export const CRM_SOURCES: readonly CrmSource[] = REGISTERED;

/**
 * Each close source's name as the platforms' lead-source fields show it (Meta and TikTok
 * `lead_event_source`, GA4 `lead_source`): the CRMs', and the collect endpoint's for pushed closes.
 */
export const CRM_DISPLAY_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [...REGISTERED, PUSHED_CLOSE_SOURCE].map((source) => [source.name, source.displayName]),
);

/** Each CRM's settings slice, for lib/config.ts to compose with the others. */
export const CRM_SETTINGS = REGISTERED.map((crm) => crm.settings);

/** Each CRM's part of the configuration, by its settings key (`config.hubspot`, `config.salesforce`). */
export type CrmConfigs = SliceConfigs<(typeof REGISTERED)[number]['settings']>;

/** The CRMs the backfill polls, by name: the keys of its summary's `crm` and `closesFound`. */
export type PolledCrmName = Extract<(typeof REGISTERED)[number], { poller: object }>['name'];

/** A CRM's part of the configuration, found by its settings' key. */
export function crmSettings<T extends CrmTypes>(crm: CrmSource<T>, configs: CrmConfigs): T['settings'] {
  return (configs as unknown as Readonly<Record<string, unknown>>)[crm.settings.key];
}
