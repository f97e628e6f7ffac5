import type { HashedIdentity } from '../domain';
import { mergeHashedIdentity } from './identity';

/**
 * Whose identifiers a conversion carries (pure): one rule for every subject that joins a lead to a CRM
 * contact — a close, and a funnel stage alike. A deal may list several contacts; under the lead's consent
 * only the lead's own identifiers, and those of a contact that is demonstrably the same person, may travel.
 */

function overlaps(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).some((value) => (b ?? []).includes(value));
}

/**
 * The same person: one of the contact's hashed emails or phones equals one of the lead's (Google's or
 * Meta's normalisation, whichever both carry — the hashes of one value per platform, never across).
 */
export function isSamePerson(lead: HashedIdentity, contact: HashedIdentity): boolean {
  const [leadGoogle, leadMeta] = [lead.google ?? { emails: [], phones: [] }, lead.meta ?? { em: [], ph: [] }];
  const [contactGoogle, contactMeta] = [
    contact.google ?? { emails: [], phones: [] },
    contact.meta ?? { em: [], ph: [] },
  ];
  return (
    overlaps(leadGoogle.emails, contactGoogle.emails) ||
    overlaps(leadGoogle.phones, contactGoogle.phones) ||
    overlaps(leadMeta.em, contactMeta.em) ||
    overlaps(leadMeta.ph, contactMeta.ph)
  );
}

/**
 * The identity of a conversion joined to its lead: the lead's, completed with the CRM contact's only when
 * the contact is the same person (the lead's own values win). Without a lead, the deal's primary contact
 * (chosen by the CRM intake: HubSpot's labelled association, Salesforce's `IsPrimary` contact role) stands
 * alone.
 */
export function identityOfSubject(
  leadIdentity: HashedIdentity | undefined,
  contactIdentity: HashedIdentity | undefined,
  /**
   * The sender vouches that the contact is the lead's person: a pushed `lead_closed`'s `user`, sent by the
   * site's own code under the lead's ID (PUSHED_CLOSE_CRM), or a CRM contact holding the lead ID in its own
   * property (a funnel stage reached by the contact's lifecycle stage). A CRM's deal contacts never are.
   */
  options: { contactIsTheLead?: boolean } = {},
): HashedIdentity | undefined {
  if (leadIdentity === undefined) return contactIdentity;
  if (contactIdentity === undefined) return leadIdentity;
  if (!options.contactIsTheLead && !isSamePerson(leadIdentity, contactIdentity)) return leadIdentity;
  return mergeHashedIdentity(contactIdentity, leadIdentity);
}
