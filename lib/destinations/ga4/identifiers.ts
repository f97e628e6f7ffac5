import { sha256Hex } from '../../leads/hash';

/**
 * The identifiers of a GA4 request (pure): which user_id may be sent, the client_id when no `_ga` cookie
 * was captured, and a transaction_id within GA4's 100 characters (platform-apis.md §7).
 */

/** "Parameter values … 100 characters" — transaction_id included. */
export const GA4_MAX_TRANSACTION_ID_LENGTH = 100;

/**
 * GA4 forbids personal data in user_id: an email, or a phone written as one (a leading `+`, or digits
 * broken by spaces, dots, dashes or brackets). Bare digits stay: Shopify and most shops number their
 * customers (`7302584201234`), and dropping those loses the user's cross-device join.
 */
const EMAIL_LIKE = /@/;
const PHONE_LIKE = /^\+[\d\s().-]{6,}$|^(?=[\d\s().-]*[\s().-])[\d\s().-]{7,}$/;

export function sendableUserId(userId: string | undefined): string | undefined {
  if (!userId) return undefined;
  return EMAIL_LIKE.test(userId) || PHONE_LIKE.test(userId) ? undefined : userId;
}

/**
 * GA4_CLIENT_ID_FALLBACK=user_id: a client_id derived from the user's (or lead's) ID, stable across retries
 * and replays, in the `_ga` cookie's `<number>.<number>` shape. GA4 records nothing without a client_id;
 * peers fall back the same way (Segment: userId, then anonymousId). The ID itself never leaves: only its
 * hash, cut to two 32-bit numbers.
 */
export function fallbackClientId(subjectId: string): string {
  const hash = sha256Hex(`ga4-client-id:${subjectId}`);
  return `${Number.parseInt(hash.slice(0, 8), 16)}.${Number.parseInt(hash.slice(8, 16), 16)}`;
}

/**
 * A transaction_id GA4 keeps whole: an ID over 100 characters would be cut by GA4 and could then collide
 * with another one sharing its first 100, so it is shortened here to its first 35 characters and a hash of
 * the whole (stable, so a repeat still de-duplicates).
 */
export function ga4TransactionId(id: string): string {
  if (id.length <= GA4_MAX_TRANSACTION_ID_LENGTH) return id;
  return `${id.slice(0, GA4_MAX_TRANSACTION_ID_LENGTH - 65)}~${sha256Hex(id)}`;
}
