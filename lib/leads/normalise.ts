import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { countryCodes, countryNames } from './country-names';
import { lookupKey } from './lookup-key';
import { US_STATE_CODES } from './us-states';

/*
 * Platform normalisation rules, applied before hashing. Each function returns `undefined` when the
 * input normalises to nothing usable: a hash of garbage never matches and only costs match quality.
 * Sources: Google Data Manager "Format user data" (developers.google.com/data-manager/api/get-started/formatting),
 * Meta Conversions API "Customer information parameters"; summary in shared/reference/platform-apis.md §1c, §2.
 */

// Unquoted characters no address in a CRM field legitimately holds; a comma or semicolon usually
// means two addresses in one field, which must not become one hash.
const EMAIL_SHAPE = /^[^@\s<>()[\]\\,;:"]+@[^@\s<>()[\]\\,;:".]+(?:\.[^@\s<>()[\]\\,;:".]+)+$/;

// Google: dots and +tags are ignored only by Google's own consumer mailboxes.
const GOOGLE_MAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

// Honorifics dropped from the front of a name. Google: given_name "Don't include prefixes such as Mrs."
const NAME_PREFIXES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'master',
  'dr',
  'prof',
  'professor',
  'sir',
  'dame',
  'lady',
  'lord',
  'rev',
  'revd',
  'reverend',
  'hon',
  'fr',
  'sr',
  'sra',
  'srta',
  'herr',
  'frau',
  'mme',
  'mlle',
]);

// Generational and professional suffixes dropped from the end. Google: family_name "Don't include
// suffixes such as Jr." A lone "v" is not here: it is far more often a middle initial than "the fifth".
const NAME_SUFFIXES = new Set([
  'jr',
  'jnr',
  'sr',
  'snr',
  'ii',
  'iii',
  'iv',
  '2nd',
  '3rd',
  'phd',
  'md',
  'dds',
  'dmd',
  'esq',
  'mba',
  'cpa',
  'rn',
]);

// Regions that use US ZIP codes (USPS): the ZIP rules of both platforms apply to them.
const US_ZIP_REGIONS = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM']);

// Military "states" (APO/FPO) are valid USPS codes without a name.
const US_STATE_ABBREVIATIONS = new Set([...US_STATE_CODES.values(), 'AA', 'AE', 'AP']);

function text(raw: string | undefined): string | undefined {
  // Values come from CRMs and forms: tolerate a stray non-string at runtime instead of throwing.
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.normalize('NFC').trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Meta `em`, TikTok `email`: trimmed, lowercase, whitespace removed; must look like an address. */
export function normaliseEmail(raw: string | undefined): string | undefined {
  const value = text(raw);
  if (value === undefined) return undefined;
  // Google: "Trim leading, trailing and intermediate whitespace"; a space inside is a typing slip.
  const email = value
    .replace(/\s+/g, '')
    .toLowerCase()
    .replace(/^mailto:/, '');
  return EMAIL_SHAPE.test(email) ? email : undefined;
}

/**
 * Google `emailAddress`: as `normaliseEmail`, and for gmail.com / googlemail.com only, dots removed
 * from the local part and a `+tag` dropped ("cloudy.sanfrancisco+shopping@gmail.com" →
 * "cloudysanfrancisco@gmail.com"; other domains keep dots and plus signs). Google Data Manager formatting.
 */
export function normaliseEmailForGoogle(raw: string | undefined): string | undefined {
  const email = normaliseEmail(raw);
  if (email === undefined) return undefined;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (!GOOGLE_MAIL_DOMAINS.has(domain)) return email;
  const local = (email.slice(0, at).split('+')[0] ?? '').replace(/\./g, '');
  return local === '' ? undefined : `${local}@${domain}`;
}

function phoneCountry(defaultCountry: string | undefined) {
  const code = normaliseCountryCode(defaultCountry);
  return code !== undefined && isSupportedCountry(code) ? code : undefined;
}

function parseE164(value: string, defaultCountry?: ReturnType<typeof phoneCountry>): string | undefined {
  const phone = parsePhoneNumberFromString(value, defaultCountry ? { defaultCountry } : undefined);
  return phone?.isValid() ? phone.number : undefined;
}

/**
 * E.164 (`+14155550100`), the form Google's `phoneNumber` requires ("Include the plus sign and the
 * country code") and the base of Meta's `ph`. National numbers need `defaultCountry` (ISO-2, or any
 * name `normaliseCountryCode` knows). Numbers libphonenumber does not consider valid are dropped.
 */
export function normalisePhone(raw: string | undefined, defaultCountry?: string): string | undefined {
  const value = text(raw)?.replace(/^tel:/i, '');
  if (value === undefined || value === '') return undefined;
  const country = phoneCountry(defaultCountry);
  const parsed = parseE164(value, country);
  if (parsed !== undefined) return parsed;
  // "0044 20 7946 0958": 00 is the international prefix almost everywhere, but libphonenumber only
  // reads it as such when the default country's own prefix is 00 (not for US, whose prefix is 011).
  return /^00[1-9]/.test(value.replace(/[\s().-]/g, ''))
    ? parseE164(`+${value.replace(/^0\s*0\s*/, '')}`)
    : undefined;
}

/** Meta `ph`: digits only, country code included, no `+`, no leading zeros ("+44 20…" → "4420…"). */
export function phoneDigitsForMeta(e164: string): string | undefined {
  const digits = e164.replace(/\D/g, '').replace(/^0+/, '');
  return digits === '' ? undefined : digits;
}

function nameTokens(raw: string | undefined): string[] {
  const value = text(raw);
  if (value === undefined) return [];
  return value
    .toLowerCase()
    .split(/[\s,;/]+/)
    .map((token) => token.replace(/[\p{P}\p{S}]/gu, ''))
    .filter((token) => token !== '');
}

function personName(raw: string | undefined): string | undefined {
  const tokens = nameTokens(raw);
  while (tokens.length > 1 && NAME_PREFIXES.has(tokens[0] ?? '')) tokens.shift();
  while (tokens.length > 1 && NAME_SUFFIXES.has(tokens[tokens.length - 1] ?? '')) tokens.pop();
  return tokens.length === 0 ? undefined : tokens.join(' ');
}

/**
 * Google `givenName` / `familyName`: lowercase, no prefixes (Mrs.) or suffixes (Jr.), no punctuation
 * ("all lowercase, with no punctuation, no leading or trailing whitespace" — Data Manager AddressInfo).
 * Letters with accents are kept (NFC). A title is only dropped when a name remains after it.
 */
export function normaliseNameForGoogle(raw: string | undefined): string | undefined {
  return personName(raw);
}

/**
 * Meta `fn` / `ln`: "Lowercase only with no punctuation"; special characters stay, UTF-8 encoded
 * (accents kept, NFC so that composed and decomposed "é" hash the same); inner spaces collapsed.
 * Meta does not ask for titles to be removed, but "mrs jane" can never match a profile's "jane",
 * so they go here too.
 */
export function normaliseNameForMeta(raw: string | undefined): string | undefined {
  return personName(raw);
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
  const city = text(raw)
    ?.toLowerCase()
    .replace(/[^\p{L}\p{M}]/gu, '');
  return city === '' ? undefined : city;
}

/**
 * Meta `st`: for the US the 2-character ANSI code in lowercase ("California" → "ca"); elsewhere
 * lowercase with no punctuation, special characters or spaces. State names are read as US states
 * when `country` is the US or unknown, never for another country (Georgia the state vs GE). For the
 * US, a value that is no state is dropped: Meta would never match it.
 */
export function normaliseStateForMeta(raw: string | undefined, country?: string): string | undefined {
  const value = text(raw);
  if (value === undefined) return undefined;
  const countryCode = normaliseCountryCode(country);
  if (countryCode === undefined || US_ZIP_REGIONS.has(countryCode)) {
    const code = US_STATE_CODES.get(lookupKey(value));
    if (code !== undefined) return code.toLowerCase();
  }
  const compact = value.toLowerCase().replace(/[^\p{L}\p{M}\p{N}]/gu, '');
  if (compact === '') return undefined;
  if (countryCode === 'US' && !US_STATE_ABBREVIATIONS.has(compact.toUpperCase())) return undefined;
  return compact;
}

function isUsZip(country: string | undefined): boolean {
  const code = normaliseCountryCode(country);
  return code !== undefined && US_ZIP_REGIONS.has(code);
}

/**
 * Meta `zp`: lowercase, no spaces, cut at "-"; US: the first 5 digits ("94105-1234" → "94105",
 * "941051234" → "94105"). Meta's own SDK drops values shorter than 2 characters.
 */
export function normalisePostalCodeForMeta(raw: string | undefined, country?: string): string | undefined {
  const value = text(raw);
  if (value === undefined) return undefined;
  const zip = (value.toLowerCase().replace(/\s+/g, '').split('-')[0] ?? '').replace(/[^\p{L}\p{N}]/gu, '');
  if (isUsZip(country)) return /^\d{5}/.exec(zip)?.[0];
  return zip.length >= 2 ? zip : undefined;
}

/**
 * Google `postalCode` (sent in clear): US ZIP as its 5 digits. Google accepts "5 digits or 5+4";
 * we send the 5-digit form because every Google source (Data Manager, Ads API, Merchant API) accepts
 * it, and a lead's +4 extension adds no matching power. A ZIP+4 shape with no known country is
 * read as a US ZIP. Elsewhere: upper case, surrounding whitespace trimmed, inner whitespace single.
 */
export function normalisePostalCodeForGoogle(raw: string | undefined, country?: string): string | undefined {
  const value = text(raw)?.replace(/\s+/g, ' ').toUpperCase();
  if (value === undefined) return undefined;
  const usZip = /^(\d{5})(?:[-\s]?\d{4})?$/.exec(value);
  if (isUsZip(country)) return usZip?.[1];
  if (country === undefined && usZip !== null && value.length > 5) return usZip[1];
  return value;
}

/**
 * ISO 3166-1 alpha-2, upper case: "us", "United States", "united states of america", "Brasil",
 * "Deutschland" → "US", "US", "US", "BR", "DE". Names come from CLDR through `Intl.DisplayNames`
 * (see `country-names.ts`); unknown → undefined.
 */
export function normaliseCountryCode(raw: string | undefined): string | undefined {
  const value = text(raw);
  if (value === undefined) return undefined;
  if (/^[a-z]{2}$/i.test(value)) {
    const code = value.toUpperCase();
    if (countryCodes().has(code)) return code;
  }
  const key = lookupKey(value);
  return key === '' ? undefined : countryNames().get(key);
}

/** Meta `ge`: "f" or "m"; anything else is left out rather than guessed. */
export function normaliseGender(raw: string | undefined): 'f' | 'm' | undefined {
  const value = text(raw)
    ?.toLowerCase()
    .replace(/[^a-z]/g, '');
  if (value === 'f' || value === 'female' || value === 'woman') return 'f';
  if (value === 'm' || value === 'male' || value === 'man') return 'm';
  return undefined;
}

/**
 * Meta `db`: "YYYYMMDD" from "YYYY-MM-DD" (also "YYYYMMDD" or an ISO timestamp's date part).
 * Impossible dates ("2023-02-30") and years outside 1900–2099 are dropped.
 */
export function normaliseBirthDate(raw: string | undefined): string | undefined {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|T)/.exec(text(raw) ?? '');
  if (match === null) return undefined;
  const [, year = '', month = '', day = ''] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const valid =
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    Number(year) >= 1900 &&
    Number(year) <= 2099;
  return valid ? `${year}${month}${day}` : undefined;
}
