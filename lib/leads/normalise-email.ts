import { cleanText } from './normalise-text';

// Unquoted characters no address in a CRM field legitimately holds; a comma or semicolon usually
// means two addresses in one field, which must not become one hash.
const EMAIL_SHAPE = /^[^@\s<>()[\]\\,;:"]+@[^@\s<>()[\]\\,;:".]+(?:\.[^@\s<>()[\]\\,;:".]+)+$/;

// Google: dots and +tags are ignored only by Google's own consumer mailboxes.
const GOOGLE_MAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** Meta `em`, TikTok `email`: trimmed, lowercase, whitespace removed; must look like an address. */
export function normaliseEmail(raw: string | undefined): string | undefined {
  const value = cleanText(raw);
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
