import { hubspotSource } from './hubspot/source';
import { salesforceSource } from './salesforce/source';
import type { CrmSource } from './types';

/**
 * The CRMs the connector takes closes from, in the order the backfill reports them. Adding one is its
 * folder under lib/crm/ and one line here (docs/extending.md).
 */
const REGISTERED = [hubspotSource, salesforceSource] as const;

export const CRM_SOURCES: readonly CrmSource[] = REGISTERED;

/** The CRMs the backfill polls, by name: the keys of its summary's `crm` and `closesFound`. */
export type PolledCrmName = Extract<(typeof REGISTERED)[number], { poller: object }>['name'];
