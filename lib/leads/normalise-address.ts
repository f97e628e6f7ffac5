import { isKnownNonUsCountry, normaliseCountryCode, usesUsZip } from './normalise-country';
import { nameTokens } from './normalise-person';
import { cleanText } from './normalise-text';
import { usStateCode } from './us-states';

// A US ZIP or ZIP+4 as people write it: "94043", "94043-1351", "94043 1351", "940431351".
const US_ZIP = /^(\d{5})(?:([-\s]?)(\d{4}))?$/;

function alphanumeric(value: string | undefined): string {
  return (value ?? '').replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Google street (hashed; Data Manager's `address_line`, used by Google Analytics): symbols removed,
 * lowercase, no leading or trailing whitespace.
 */
export function normaliseStreetForGoogle(raw: string | undefined): string | undefined {
  const tokens = nameTokens(raw);
  return tokens.length === 0 ? undefined : tokens.join(' ');
}

/** Meta `ct`: "Lowercase only with no punctuation, no special characters, and no spaces"; letters kept. */
export function normaliseCityForMeta(raw: string | undefined): string | undefined {
  const city = cleanText(raw)
    ?.toLowerCase()
    .replace(/[^\p{L}\p{M}]/gu, '');
  return city === '' ? undefined : city;
}

/**
 * Meta `st`: for the US the 2-character ANSI code in lowercase ("California", "Calif." → "ca");
 * elsewhere lowercase with no punctuation, special characters or spaces. State names and their
 * common abbreviations are read as US states when `country` is the US or unknown, never for another
 * country (Georgia the state vs GE). For the US, a value that is no state is dropped: Meta would
 * never match it.
 */
export function normaliseStateForMeta(raw: string | undefined, country?: string): string | undefined {
  const value = cleanText(raw);
  if (value === undefined) return undefined;
  const usState = isKnownNonUsCountry(country) ? undefined : usStateCode(value);
  if (usState !== undefined) return usState.toLowerCase();
  const compact = value.toLowerCase().replace(/[^\p{L}\p{M}\p{N}]/gu, '');
  if (compact === '' || normaliseCountryCode(country) === 'US') return undefined;
  return compact;
}

/**
 * Meta `zp`: lowercase, "no spaces and no dash" for every country (PL "00-950" → "00950", BR
 * "01310-100" → "01310100", GB "SW1A 1AA" → "sw1a1aa"); US: the first 5 digits ("94105-1234" →
 * "94105"). A ZIP+4 with no known country is read as a US ZIP. Meta's own SDK drops values shorter
 * than 2 characters.
 */
export function normalisePostalCodeForMeta(raw: string | undefined, country?: string): string | undefined {
  const value = cleanText(raw);
  if (value === undefined) return undefined;
  const zipPlusFour =
    normaliseCountryCode(country) === undefined && /^\d{5}(?:\s*-\s*|\s+)\d{4}$/.test(value);
  const compact = value.toLowerCase().replace(/\s+/g, '');
  // US: five digits before any "-" (so "9410-5" is no ZIP), then only those five are kept.
  if (usesUsZip(country) || zipPlusFour) return /^\d{5}/.exec(alphanumeric(compact.split('-')[0]))?.[0];
  const zip = alphanumeric(compact);
  return zip.length >= 2 ? zip : undefined;
}

/**
 * Google `postalCode` (sent in clear). US: 5 digits, or ZIP+4 as given — Google's formatting page
 * allows both and says the +4 "may improve your match rate" ("94043-1351" and "940431351" kept;
 * "94043 1351" written with the dash). A ZIP+4 shape with no known country is read as a US ZIP.
 * Elsewhere: upper case, surrounding whitespace trimmed, inner whitespace single.
 */
export function normalisePostalCodeForGoogle(raw: string | undefined, country?: string): string | undefined {
  const value = cleanText(raw)?.replace(/\s+/g, ' ').toUpperCase();
  if (value === undefined) return undefined;
  const match = US_ZIP.exec(value);
  const usZip = match === null ? undefined : match[2] === ' ' ? `${match[1]}-${match[3]}` : value;
  if (usesUsZip(country)) return usZip;
  if (normaliseCountryCode(country) === undefined && usZip !== undefined) return usZip;
  return value;
}
