/**
 * Salesforce record IDs come in two forms: 15 characters, case-sensitive, and 18 characters, whose last
 * three encode the case of the first fifteen so the ID survives case-insensitive systems. Outbound
 * Messages send `OrganizationId` with 18 characters; operators often copy the 15-character form from
 * Setup. Comparing them as strings is wrong both ways, so both sides are brought to the checked 18 form.
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

export const SALESFORCE_ID_PATTERN = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

/** The 3-character suffix of a 15-character ID: per 5-character chunk, one bit per upper-case letter. */
export function salesforceIdSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let position = 0; position < 5; position++) {
      const character = id15.charAt(chunk * 5 + position);
      if (character >= 'A' && character <= 'Z') bits |= 1 << position;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** The checked 18-character form, or undefined for a malformed ID or an 18-character one whose suffix lies. */
export function toEighteenCharacterId(id: string): string | undefined {
  const text = id.trim();
  if (!SALESFORCE_ID_PATTERN.test(text)) return undefined;
  const id15 = text.slice(0, 15);
  const suffix = salesforceIdSuffix(id15);
  if (text.length === 18 && text.slice(15).toUpperCase() !== suffix) return undefined;
  return `${id15}${suffix}`;
}

/** True when both name the same record (15 or 18 characters, either side). */
export function sameSalesforceId(a: string, b: string): boolean {
  const left = toEighteenCharacterId(a);
  return left !== undefined && left === toEighteenCharacterId(b);
}
