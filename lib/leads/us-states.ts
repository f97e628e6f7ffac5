import { lookupKey } from './lookup-key';

/**
 * US state, district and territory names → USPS / ANSI two-letter codes. Meta's `st` wants the
 * 2-character ANSI abbreviation for US addresses (Conversions API customer information parameters).
 * Keys are lowercase, without diacritics or punctuation, single-spaced (see `lookupKey`).
 */
export const US_STATE_CODES: ReadonlyMap<string, string> = new Map([
  ['alabama', 'AL'],
  ['alaska', 'AK'],
  ['arizona', 'AZ'],
  ['arkansas', 'AR'],
  ['california', 'CA'],
  ['colorado', 'CO'],
  ['connecticut', 'CT'],
  ['delaware', 'DE'],
  ['florida', 'FL'],
  ['georgia', 'GA'],
  ['hawaii', 'HI'],
  ['idaho', 'ID'],
  ['illinois', 'IL'],
  ['indiana', 'IN'],
  ['iowa', 'IA'],
  ['kansas', 'KS'],
  ['kentucky', 'KY'],
  ['louisiana', 'LA'],
  ['maine', 'ME'],
  ['maryland', 'MD'],
  ['massachusetts', 'MA'],
  ['michigan', 'MI'],
  ['minnesota', 'MN'],
  ['mississippi', 'MS'],
  ['missouri', 'MO'],
  ['montana', 'MT'],
  ['nebraska', 'NE'],
  ['nevada', 'NV'],
  ['new hampshire', 'NH'],
  ['new jersey', 'NJ'],
  ['new mexico', 'NM'],
  ['new york', 'NY'],
  ['north carolina', 'NC'],
  ['north dakota', 'ND'],
  ['ohio', 'OH'],
  ['oklahoma', 'OK'],
  ['oregon', 'OR'],
  ['pennsylvania', 'PA'],
  ['rhode island', 'RI'],
  ['south carolina', 'SC'],
  ['south dakota', 'SD'],
  ['tennessee', 'TN'],
  ['texas', 'TX'],
  ['utah', 'UT'],
  ['vermont', 'VT'],
  ['virginia', 'VA'],
  ['washington', 'WA'],
  ['west virginia', 'WV'],
  ['wisconsin', 'WI'],
  ['wyoming', 'WY'],
  ['district of columbia', 'DC'],
  ['washington dc', 'DC'],
  ['american samoa', 'AS'],
  ['guam', 'GU'],
  ['northern mariana islands', 'MP'],
  ['puerto rico', 'PR'],
  ['us virgin islands', 'VI'],
  ['united states virgin islands', 'VI'],
  ['virgin islands', 'VI'],
  ['united states minor outlying islands', 'UM'],
]);

/*
 * Abbreviations people write for US states besides the USPS codes: the traditional (AP / GPO style)
 * forms such as "Calif.", "Mass.", "Penn.", "N. Mex.". Keys are compact lookup keys (no spaces):
 * "N. Mex." and "N.Mex." meet on "nmex".
 */
const US_STATE_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['ala', 'AL'],
  ['ariz', 'AZ'],
  ['ark', 'AR'],
  ['cal', 'CA'],
  ['calif', 'CA'],
  ['colo', 'CO'],
  ['conn', 'CT'],
  ['del', 'DE'],
  ['fla', 'FL'],
  ['ill', 'IL'],
  ['ind', 'IN'],
  ['kan', 'KS'],
  ['kans', 'KS'],
  ['mass', 'MA'],
  ['mich', 'MI'],
  ['minn', 'MN'],
  ['miss', 'MS'],
  ['mont', 'MT'],
  ['neb', 'NE'],
  ['nebr', 'NE'],
  ['nev', 'NV'],
  ['nmex', 'NM'],
  ['ndak', 'ND'],
  ['okla', 'OK'],
  ['ore', 'OR'],
  ['oreg', 'OR'],
  ['penn', 'PA'],
  ['penna', 'PA'],
  ['sdak', 'SD'],
  ['tenn', 'TN'],
  ['tex', 'TX'],
  ['wash', 'WA'],
  ['wva', 'WV'],
  ['wis', 'WI'],
  ['wisc', 'WI'],
  ['wyo', 'WY'],
  ['washdc', 'DC'],
]);

// USPS codes, with the military "states" (APO/FPO), which are valid codes without a name.
const US_STATE_CODE_SET: ReadonlySet<string> = new Set([...US_STATE_CODES.values(), 'AA', 'AE', 'AP']);

// State names keyed without spaces too, so that "NewYork" or "N e w  York" still meet "new york".
const COMPACT_STATE_NAMES: ReadonlyMap<string, string> = new Map(
  [...US_STATE_CODES].map(([name, code]) => [name.replace(/ /g, ''), code]),
);

/**
 * The USPS / ANSI code (upper case) of a US state, district, territory or military "state", from
 * its code ("ca", "C.A."), name ("California") or common abbreviation ("Calif."); else undefined.
 */
export function usStateCode(raw: string): string | undefined {
  const key = lookupKey(raw);
  const compact = key.replace(/ /g, '');
  if (US_STATE_CODE_SET.has(compact.toUpperCase())) return compact.toUpperCase();
  return US_STATE_CODES.get(key) ?? COMPACT_STATE_NAMES.get(compact) ?? US_STATE_ABBREVIATIONS.get(compact);
}
