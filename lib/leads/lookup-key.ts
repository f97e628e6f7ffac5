/**
 * Folds a free-text place name into a lookup key: "Côte d’Ivoire" → "cote divoire",
 * "U.S.A." → "usa", "Korea, Republic of" → "korea republic of", "Bosnia & Herzegovina" →
 * "bosnia and herzegovina". Separators become spaces, other punctuation disappears, so that the
 * spellings people type and the CLDR names meet on one key.
 */
export function lookupKey(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[\p{Pd},/_]/gu, ' ')
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^the /, '');
}
