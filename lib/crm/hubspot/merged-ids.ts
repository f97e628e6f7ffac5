/**
 * HubSpot's record of a merge on the deal that resulted from it (pure): `hs_merged_object_ids`, the IDs of
 * the deals merged into it, semicolon-separated. A read of one of those old IDs answers with this deal.
 */
export const MERGED_IDS_PROPERTY = 'hs_merged_object_ids';

export function mergedDealIds(properties: Readonly<Record<string, string | undefined>>): string[] {
  return (properties[MERGED_IDS_PROPERTY] ?? '')
    .split(';')
    .map((id) => id.trim())
    .filter((id) => /^\d{1,20}$/.test(id));
}
