import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/min';
import { normaliseCountryCode } from './normalise-country';
import { cleanText } from './normalise-text';

// Digits in groups, nothing else: no "+", no parentheses (which mark a national area code), no
// leading 0 (a trunk or international prefix). Such a value may be an international number
// written without its "+".
const BARE_DIGITS = /^[1-9][\d\s.-]*$/;

function phoneRegion(country: string | undefined): CountryCode | undefined {
  const code = normaliseCountryCode(country);
  return code !== undefined && isSupportedCountry(code) ? code : undefined;
}

function parseValid(value: string, region?: CountryCode): PhoneNumber | undefined {
  const phone = parsePhoneNumberFromString(value, region ? { defaultCountry: region } : undefined);
  return phone?.isValid() ? phone : undefined;
}

/**
 * Bare digits are read two ways, nationally in `region` and as "+digits". The international reading
 * wins when it lands in the region's own calling code ("4915123456789" / DE is +49 151…, never
 * +49 4915…) or when the national reading is no valid number; otherwise the national one wins
 * ("15123456789" / DE is +49 151…, although +1 512… is a valid US number too).
 */
function parseBareDigits(value: string, region: CountryCode | undefined): PhoneNumber | undefined {
  const international = parseValid(`+${value.replace(/\D/g, '')}`);
  if (region === undefined) return international;
  if (international?.countryCallingCode === getCountryCallingCode(region)) return international;
  return parseValid(value, region) ?? international;
}

/**
 * E.164 (`+14155550100`), the form Google's `phoneNumber` requires ("Include the plus sign and the
 * country code") and the base of Meta's `ph`. National numbers are read in the lead's `country` (ISO-2,
 * or any name `normaliseCountryCode` knows), or in `defaultPhoneCountry` when the lead has no usable
 * country. Bare digits that form a valid number with a leading "+" are kept ("447400123456" →
 * "+447400123456"). Numbers libphonenumber does not consider valid are dropped.
 */
export function normalisePhone(
  raw: string | undefined,
  country?: string,
  defaultPhoneCountry?: string,
): string | undefined {
  const value = cleanText(raw)?.replace(/^tel:/i, '');
  if (value === undefined || value === '') return undefined;
  const region = phoneRegion(country) ?? phoneRegion(defaultPhoneCountry);
  const parsed = BARE_DIGITS.test(value) ? parseBareDigits(value, region) : parseValid(value, region);
  if (parsed !== undefined) return parsed.number;
  // "0044 20 7946 0958": 00 is the international prefix almost everywhere, but libphonenumber only
  // reads it as such when the default country's own prefix is 00 (not for US, whose prefix is 011).
  return /^00[1-9]/.test(value.replace(/[\s().-]/g, ''))
    ? parseValid(`+${value.replace(/^0\s*0\s*/, '')}`)?.number
    : undefined;
}

/** Meta `ph`: digits only, country code included, no `+`, no leading zeros ("+44 20…" → "4420…"). */
export function phoneDigitsForMeta(e164: string): string | undefined {
  const digits = e164.replace(/\D/g, '').replace(/^0+/, '');
  return digits === '' ? undefined : digits;
}
