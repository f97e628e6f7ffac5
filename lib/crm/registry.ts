import type { SliceConfigs } from '../settings';
import { hubspotSource } from './hubspot/source';
import { salesforceSource } from './salesforce/source';
import type { CrmSource, CrmTypes } from './types';

/**
 * The CRMs the connector takes closes from, in the order the backfill reports them. Adding one is its
 * folder under lib/crm/ and one line here (docs/extending.md).
 */
const REGISTERED = [hubspotSource, salesforceSource] as const;

export const CRM_SOURCES: readonly CrmSource[] = REGISTERED;

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
