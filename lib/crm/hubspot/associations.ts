import * as v from 'valibot';

/**
 * Deal → contact associations as HubSpot's associations batch read answers them (`/crm/associations/<v>/
 * deals/contacts/batch/read`, HubSpot/HubSpot-public-api-spec-collection `PublicApiSpecs/CRM/Associations`):
 * per deal, `to[]` of `{ toObjectId, associationTypes: [{ category, typeId, label }] }`, paged per deal.
 * `label` is null for HubSpot's unlabelled default association and the label's name for a labelled one.
 */
export const AssociationsSchema = v.object({
  results: v.array(
    v.object({
      from: v.object({ id: v.union([v.string(), v.number()]) }),
      to: v.array(
        v.object({
          toObjectId: v.union([v.string(), v.number()]),
          associationTypes: v.optional(v.array(v.object({ label: v.optional(v.nullable(v.string())) })), []),
        }),
      ),
      // A deal with more associations than one page names where its next page starts.
      paging: v.optional(v.object({ next: v.optional(v.object({ after: v.string() })) })),
    }),
  ),
});

/** One associated contact and the labels its association carries. */
export type DealContactAssociation = { contactId: string; labels: string[] };

export function associationsOf(
  result: v.InferOutput<typeof AssociationsSchema>['results'][number],
): DealContactAssociation[] {
  return result.to.map((to) => ({
    contactId: String(to.toObjectId),
    labels: to.associationTypes.flatMap((type) => (type.label ? [type.label] : [])),
  }));
}

/**
 * A deal's contact IDs in HubSpot's order, except that the contacts whose association carries the
 * primary label (HUBSPOT_PRIMARY_CONTACT_LABEL, compared without case) come first: the first contact is the
 * one that stands for the deal. Without the label, or when no association carries it, HubSpot's first.
 */
export function contactIdsPrimaryFirst(
  associations: readonly DealContactAssociation[],
  primaryLabel: string | undefined,
): string[] {
  const wanted = primaryLabel?.trim().toLowerCase();
  const isPrimary = (association: DealContactAssociation) =>
    wanted !== undefined &&
    wanted !== '' &&
    association.labels.some((label) => label.trim().toLowerCase() === wanted);
  const ordered = [
    ...associations.filter(isPrimary),
    ...associations.filter((association) => !isPrimary(association)),
  ];
  return [...new Set(ordered.map((association) => association.contactId))];
}
