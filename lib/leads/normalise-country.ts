import { alpha3Codes } from './country-alpha3';
import { countryCodes, countryNames } from './country-names';
import { lookupKey } from './lookup-key';
import { cleanText } from './normalise-text';

// Regions that use US ZIP codes (USPS): the ZIP rules of both platforms apply to them.
const US_ZIP_REGIONS = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM']);

function codeOf(letters: string): string | undefined {
  const upper = letters.toUpperCase();
  const code = upper.length === 3 ? alpha3Codes().get(upper) : upper;
  return code !== undefined && countryCodes().has(code) ? code : undefined;
}

/**
 * ISO 3166-1 alpha-2, upper case, from an alpha-2 or alpha-3 code or a country name: "us", "DEU",
 * "United States", "united states of america", "U.S.", "Brasil", "Deutschland" → "US", "DE", "US",
 * "US", "US", "BR", "DE". Names come from CLDR through `Intl.DisplayNames` (see `country-names.ts`);
 * unknown → undefined. Google `regionCode` and Meta `country` both take alpha-2 only.
 */
export function normaliseCountryCode(raw: string | undefined): string | undefined {
  const value = cleanText(raw);
  if (value === undefined) return undefined;
  if (/^[a-z]{2,3}$/i.test(value)) {
    const code = codeOf(value);
    if (code !== undefined) return code;
  }
  const key = lookupKey(value);
  if (key === '') return undefined;
  const named = countryNames().get(key);
  if (named !== undefined) return named;
  // "U.S." or "D.E.U.": a code written with dots, which the lookup key folds back to letters.
  return /^[a-z]{2,3}$/.test(key) ? codeOf(key) : undefined;
}

/** True when the country (code or name) uses US ZIP codes. */
export function usesUsZip(country: string | undefined): boolean {
  const code = normaliseCountryCode(country);
  return code !== undefined && US_ZIP_REGIONS.has(code);
}

/** True when the country is known and is not one that uses US ZIP codes. */
export function isKnownNonUsCountry(country: string | undefined): boolean {
  const code = normaliseCountryCode(country);
  return code !== undefined && !US_ZIP_REGIONS.has(code);
}
