import { getCountries } from 'libphonenumber-js/min';
import { lookupKey } from './lookup-key';

// libphonenumber's calling regions that are not ISO 3166-1 alpha-2 codes; Google's `regionCode`
// must be ISO-3166-1 alpha-2 (Data Manager AddressInfo), so these are never produced.
const NON_ISO_REGIONS = new Set(['AC', 'TA']);

// Locales tried for every country besides English and the country's own likely language: the
// languages CRM users most often type country names in. Each costs ~250 lookups, once.
const EXTRA_LOCALES = ['es', 'fr', 'de', 'pt', 'it', 'nl'];

// Spellings CLDR does not give as a display name but that CRMs and forms hold all the time.
const ALIASES: Readonly<Record<string, string>> = {
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  uk: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  holland: 'NL',
  'czech republic': 'CZ',
  'ivory coast': 'CI',
  uae: 'AE',
  korea: 'KR',
  'republic of korea': 'KR',
  'korea republic of': 'KR',
  'russian federation': 'RU',
  'viet nam': 'VN',
  turkey: 'TR',
  macedonia: 'MK',
  swaziland: 'SZ',
  burma: 'MM',
  'cape verde': 'CV',
  'east timor': 'TL',
  vatican: 'VA',
  'vatican city': 'VA',
};

let codes: ReadonlySet<string> | undefined;
let names: ReadonlyMap<string, string> | undefined;

/** The ISO-2 codes we accept, upper case. */
export function countryCodes(): ReadonlySet<string> {
  codes ??= new Set(getCountries().filter((code) => !NON_ISO_REGIONS.has(code)));
  return codes;
}

function displayNames(locale: string): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
  } catch {
    // A runtime built with small-icu may lack a locale; the English names still work.
    return undefined;
  }
}

function likelyLanguage(code: string): string | undefined {
  try {
    return new Intl.Locale(`und-${code}`).maximize().language;
  } catch {
    return undefined;
  }
}

/**
 * Country name (lookup key) → ISO-2, built once on first use from CLDR through `Intl.DisplayNames`:
 * English long and short names first (so English wins a clash), then the country's own likely
 * language ("Deutschland", "Brasil"), then a few common languages, then hand-picked aliases.
 */
export function countryNames(): ReadonlyMap<string, string> {
  if (names !== undefined) return names;
  const map = new Map<string, string>();
  const add = (name: string | undefined, code: string) => {
    if (name === undefined) return;
    const key = lookupKey(name);
    if (key !== '' && !map.has(key)) map.set(key, code);
  };
  const english = [displayNames('en'), new Intl.DisplayNames(['en'], { type: 'region', style: 'short' })];
  const extra = EXTRA_LOCALES.map(displayNames);
  for (const code of countryCodes()) {
    for (const locale of english) add(locale?.of(code), code);
  }
  // One formatter per language, not per country: constructing them is most of the build cost.
  const byLanguage = new Map<string, Intl.DisplayNames | undefined>();
  for (const code of countryCodes()) {
    const language = likelyLanguage(code);
    if (language === undefined) continue;
    if (!byLanguage.has(language)) byLanguage.set(language, displayNames(language));
    add(byLanguage.get(language)?.of(code), code);
  }
  for (const code of countryCodes()) {
    for (const locale of extra) add(locale?.of(code), code);
  }
  for (const [alias, code] of Object.entries(ALIASES)) {
    if (!map.has(alias)) map.set(alias, code);
  }
  names = map;
  return map;
}
