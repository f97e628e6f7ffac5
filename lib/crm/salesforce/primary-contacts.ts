import * as v from 'valibot';
import { ConnectorError } from '../../errors';
import type { SalesforceClient } from './client';
import { type FlowContact, FlowContactSchema } from './opportunity';
import { SALESFORCE_ID_PATTERN } from './record-id';

/**
 * The primary contact of each closed Opportunity (reference §5, §7: `OpportunityContactRole` with
 * `IsPrimary = true`), read in one SOQL query for a whole Outbound Message or polled page — never one per
 * Opportunity. An Outbound Message carries no contact and a poll of Opportunities reads none, so without
 * this a close without a lead ID had no identity at all. Only the primary contact: a deal's other contacts
 * are other people.
 */
export const CONTACT_FIELDS = [
  'Email',
  'Phone',
  'MobilePhone',
  'FirstName',
  'LastName',
  'MailingStreet',
  'MailingCity',
  'MailingState',
  'MailingPostalCode',
  'MailingCountry',
] as const;

/** Opportunity IDs per query: 300 IDs of 18 characters keep the query URL far below Salesforce's limits. */
export const MAX_OPPORTUNITIES_PER_QUERY = 300;

export function primaryContactRolesSoql(opportunityIds: readonly string[]): string {
  for (const id of opportunityIds) {
    // IDs are inlined into SOQL: only Salesforce's own ID shape may get there.
    if (!SALESFORCE_ID_PATTERN.test(id)) throw new ConnectorError(`not a Salesforce ID: ${id}`);
  }
  const fields = ['OpportunityId', ...CONTACT_FIELDS.map((field) => `Contact.${field}`)];
  const ids = [...new Set(opportunityIds)].map((id) => `'${id}'`).join(',');
  return `SELECT ${fields.join(',')} FROM OpportunityContactRole WHERE IsPrimary = true AND OpportunityId IN (${ids})`;
}

const ContactRoleSchema = v.object({
  OpportunityId: v.string(),
  Contact: v.nullish(FlowContactSchema),
});

/** Reads the primary contacts of these Opportunities, by Opportunity ID (15- and 18-character IDs alike). */
export type PrimaryContactReader = (opportunityIds: readonly string[]) => Promise<Map<string, FlowContact>>;

export function createPrimaryContactReader(
  client: SalesforceClient,
  options: { deadline?: number } = {},
): PrimaryContactReader {
  return async (opportunityIds) => {
    const contacts = new Map<string, FlowContact>();
    const unique = [...new Set(opportunityIds)];
    for (let start = 0; start < unique.length; start += MAX_OPPORTUNITIES_PER_QUERY) {
      const soql = primaryContactRolesSoql(unique.slice(start, start + MAX_OPPORTUNITIES_PER_QUERY));
      for await (const records of client.queryAll(soql, options)) {
        for (const record of records) {
          const role = v.safeParse(ContactRoleSchema, record);
          if (!role.success || !role.output.Contact) continue;
          // The role answers with the 18-character ID; a message may have named the 15-character one.
          contacts.set(role.output.OpportunityId, role.output.Contact);
          contacts.set(role.output.OpportunityId.slice(0, 15), role.output.Contact);
        }
      }
    }
    return contacts;
  };
}
