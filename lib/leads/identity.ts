import type { HashedIdentity } from '../domain';
import { sha256Hex } from './hash';
import {
  normaliseCityForMeta,
  normalisePostalCodeForGoogle,
  normalisePostalCodeForMeta,
  normaliseStateForMeta,
  normaliseStreetForGoogle,
} from './normalise-address';
import { normaliseBirthDate } from './normalise-birth-date';
import { normaliseCountryCode } from './normalise-country';
import { normaliseEmail, normaliseEmailForGoogle } from './normalise-email';
import { normaliseGender, normaliseNameForGoogle, normaliseNameForMeta } from './normalise-person';
import { normalisePhone, phoneDigitsForMeta } from './normalise-phone';

/** What a lead capture (or a CRM contact) tells us about the person, in plaintext, as received. */
export type IdentityInput = {
  emails?: (string | undefined)[];
  phones?: (string | undefined)[];
  firstName?: string;
  lastName?: string;
  street?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  gender?: string;
  birthDate?: string;
};

// Enough for every address a lead realistically gives; Meta and Google take arrays but a long tail
// of stale values adds payload and no match rate (the legacy Ads API allows 5 identifiers in all).
const MAX_VALUES = 5;

function uniqueCapped(values: Iterable<string | undefined>): string[] {
  const kept: string[] = [];
  for (const value of values) {
    if (value === undefined || value === '' || kept.includes(value)) continue;
    kept.push(value);
    if (kept.length === MAX_VALUES) break;
  }
  return kept;
}

function hashed(value: string | undefined): string | undefined {
  return value === undefined ? undefined : sha256Hex(value);
}

// Absent fields are left out rather than set to `undefined`, so that stored items and payloads
// carry no empty attributes.
function withoutUndefined<TRecord extends object>(record: TRecord): TRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as TRecord;
}

/** How identifiers are read where the lead itself does not say. */
export type IdentityOptions = {
  /**
   * ISO-2 country (or a name `normaliseCountryCode` knows) in which national-format phone numbers
   * are read when the lead has no usable country; the deployment's `DEFAULT_PHONE_COUNTRY`.
   */
  defaultPhoneCountry?: string;
};

/** Normalises every identifier per platform and hashes it; plaintext never leaves this function. */
export function hashIdentity(input: IdentityInput, options: IdentityOptions = {}): HashedIdentity {
  const country = normaliseCountryCode(input.country);
  const emails = input.emails ?? [];
  // The lead's own country is the best guess for a national-format number, the default the next.
  const phones = uniqueCapped(
    (input.phones ?? []).map((phone) => normalisePhone(phone, country, options.defaultPhoneCountry)),
  );
  return {
    google: withoutUndefined({
      emails: uniqueCapped(emails.map((email) => hashed(normaliseEmailForGoogle(email)))),
      phones: uniqueCapped(phones.map(sha256Hex)),
      givenName: hashed(normaliseNameForGoogle(input.firstName)),
      familyName: hashed(normaliseNameForGoogle(input.lastName)),
      street: hashed(normaliseStreetForGoogle(input.street)),
      regionCode: country,
      postalCode: normalisePostalCodeForGoogle(input.postalCode, country),
    }),
    meta: withoutUndefined({
      em: uniqueCapped(emails.map((email) => hashed(normaliseEmail(email)))),
      ph: uniqueCapped(phones.map((phone) => hashed(phoneDigitsForMeta(phone)))),
      fn: hashed(normaliseNameForMeta(input.firstName)),
      ln: hashed(normaliseNameForMeta(input.lastName)),
      ct: hashed(normaliseCityForMeta(input.city)),
      st: hashed(normaliseStateForMeta(input.region, country)),
      zp: hashed(normalisePostalCodeForMeta(input.postalCode, country)),
      country: hashed(country?.toLowerCase()),
      ge: hashed(normaliseGender(input.gender)),
      db: hashed(normaliseBirthDate(input.birthDate, country)),
    }),
  };
}

function newest(next: string | undefined, previous: string | undefined): string | undefined {
  return next !== undefined && next !== '' ? next : previous;
}

function union(next: string[] | undefined, previous: string[] | undefined): string[] {
  return uniqueCapped([...(next ?? []), ...(previous ?? [])]);
}

/**
 * Combines what a lead told us earlier with what it tells us now (a second form fill, a CRM
 * contact): per field the newer non-empty value wins; lists are unions, newest first, capped at 5.
 */
export function mergeHashedIdentity(
  previous: HashedIdentity | undefined,
  next: HashedIdentity,
): HashedIdentity {
  if (previous === undefined) return next;
  // A stored lead may predate one platform's block; treat a missing block as empty.
  const oldGoogle: Partial<HashedIdentity['google']> = previous.google ?? {};
  const oldMeta: Partial<HashedIdentity['meta']> = previous.meta ?? {};
  const [newGoogle, newMeta] = [next.google, next.meta];
  return {
    google: withoutUndefined({
      emails: union(newGoogle.emails, oldGoogle.emails),
      phones: union(newGoogle.phones, oldGoogle.phones),
      givenName: newest(newGoogle.givenName, oldGoogle.givenName),
      familyName: newest(newGoogle.familyName, oldGoogle.familyName),
      street: newest(newGoogle.street, oldGoogle.street),
      regionCode: newest(newGoogle.regionCode, oldGoogle.regionCode),
      postalCode: newest(newGoogle.postalCode, oldGoogle.postalCode),
    }),
    meta: withoutUndefined({
      em: union(newMeta.em, oldMeta.em),
      ph: union(newMeta.ph, oldMeta.ph),
      fn: newest(newMeta.fn, oldMeta.fn),
      ln: newest(newMeta.ln, oldMeta.ln),
      ct: newest(newMeta.ct, oldMeta.ct),
      st: newest(newMeta.st, oldMeta.st),
      zp: newest(newMeta.zp, oldMeta.zp),
      country: newest(newMeta.country, oldMeta.country),
      ge: newest(newMeta.ge, oldMeta.ge),
      db: newest(newMeta.db, oldMeta.db),
    }),
  };
}

/**
 * Google can match on an email, a phone, or a full address: Data Manager's AddressInfo requires
 * given name, family name, region code and postal code together.
 */
export function hasGoogleIdentifier(identity: HashedIdentity | undefined): boolean {
  const google = identity?.google;
  if (google === undefined) return false;
  if ((google.emails?.length ?? 0) > 0 || (google.phones?.length ?? 0) > 0) return true;
  return Boolean(google.givenName && google.familyName && google.regionCode && google.postalCode);
}

/**
 * Meta can match on an email or a phone; a name only together with something that narrows it down
 * (postal code, city or birth date). Click ids (fbc, fbp) are judged by the Meta destination.
 */
export function hasMetaIdentifier(identity: HashedIdentity | undefined): boolean {
  const meta = identity?.meta;
  if (meta === undefined) return false;
  if ((meta.em?.length ?? 0) > 0 || (meta.ph?.length ?? 0) > 0) return true;
  return Boolean(meta.fn && meta.ln && (meta.zp || meta.ct || meta.db));
}

/** True when at least one platform has something to match this person on. */
export function hasAnyIdentifier(identity: HashedIdentity | undefined): boolean {
  return hasGoogleIdentifier(identity) || hasMetaIdentifier(identity);
}
