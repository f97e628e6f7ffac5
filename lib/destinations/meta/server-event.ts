import * as v from 'valibot';
import type { HashedIdentity, LeadRecord } from '../../domain';
import { isValidFbc, isValidFbp } from '../../leads/click-ids';
import { sha256Hex } from '../../leads/hash';
import { normaliseExternalId } from '../../leads/normalise-external-id';
import { HEX_SHA256 } from '../row-validation';
import type { LeadClosedConversion } from '../types';

/**
 * What every Meta Conversions API server event shares (pure), from platform-apis.md §2 and Meta's
 * "Customer Information" parameter page: `user_data` hashed except fbc, fbp, lead_id, client IP and user
 * agent; at most 7 days old.
 */

export type MetaUserData = {
  em?: string[];
  ph?: string[];
  fn?: string;
  ln?: string;
  ct?: string;
  st?: string;
  zp?: string;
  country?: string;
  ge?: string;
  db?: string;
  external_id: string[];
  fbc?: string;
  fbp?: string;
  client_ip_address?: string;
  client_user_agent?: string;
  lead_id?: string;
};

/** Closes and orders go in the same requests: one batch kind. */
export const META_BATCH = 'events';
/** Meta refuses events older than 7 days, and one such event fails the whole request. */
export const META_EVENT_WINDOW_MS = 7 * 86_400_000;

/** Meta Instant Form (Lead Ads) lead IDs are 15–17 digits; anything else is not one (§6). */
export function isMetaLeadgenId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{15,17}$/.test(value);
}

/**
 * The Meta Lead Ads lead ID the capture recorded (`context.click_ids.meta_lead_id`). The connector's own
 * lead ID goes in external_id / event_id, never here (§6).
 */
function metaLeadIdOf(lead: LeadRecord | undefined): string | undefined {
  return isMetaLeadgenId(lead?.metaLeadId) ? lead.metaLeadId : undefined;
}

/** user_data's hashed identity and browser fields a lead and an order share, only those present. */
export type MetaMatchFields = Omit<MetaUserData, 'external_id' | 'lead_id'>;

export function metaMatchFields(
  meta: HashedIdentity['meta'] | undefined,
  browser: { fbc?: string; fbp?: string; ipAddress?: string; userAgent?: string },
): MetaMatchFields {
  const fields = {
    em: meta?.em?.length ? meta.em : undefined,
    ph: meta?.ph?.length ? meta.ph : undefined,
    fn: meta?.fn,
    ln: meta?.ln,
    ct: meta?.ct,
    st: meta?.st,
    zp: meta?.zp,
    country: meta?.country,
    ge: meta?.ge,
    db: meta?.db,
    // §6: Meta accepts a malformed fbc silently and then matches nothing; only well-formed ones go.
    fbc: browser.fbc && isValidFbc(browser.fbc) ? browser.fbc : undefined,
    fbp: browser.fbp && isValidFbp(browser.fbp) ? browser.fbp : undefined,
    client_ip_address: browser.ipAddress,
    client_user_agent: browser.userAgent,
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as MetaMatchFields;
}

export function buildMetaUserData(
  conversion: Pick<LeadClosedConversion, 'lead' | 'identity'>,
  leadKey: string,
): MetaUserData {
  const lead = conversion.lead;
  const leadId = metaLeadIdOf(lead);
  return {
    // Meta recommends hashing external_id; the same hash must be what a pixel would send.
    external_id: [sha256Hex(normaliseExternalId(leadKey))],
    ...metaMatchFields(conversion.identity?.meta, {
      fbc: lead?.clickIds?.fbc,
      fbp: lead?.clickIds?.fbp,
      ipAddress: lead?.ipAddress,
      userAgent: lead?.userAgent,
    }),
    ...(leadId === undefined ? {} : { lead_id: leadId }),
  };
}

/** Something Meta can match a person on: email, phone, name with a locality, a click or browser id. */
export function hasMetaMatchKey(userData: MetaUserData): boolean {
  if (userData.em?.length || userData.ph?.length) return true;
  if (userData.fbc || userData.fbp || userData.lead_id) return true;
  return Boolean(userData.fn && userData.ln && (userData.zp || userData.ct || userData.db));
}

/** Schema entries of the user_data fields a lead and an order share (metaMatchFields). */
export const META_MATCH_FIELD_ENTRIES = {
  em: v.optional(v.array(HEX_SHA256)),
  ph: v.optional(v.array(HEX_SHA256)),
  fn: v.optional(HEX_SHA256),
  ln: v.optional(HEX_SHA256),
  ct: v.optional(HEX_SHA256),
  st: v.optional(HEX_SHA256),
  zp: v.optional(HEX_SHA256),
  country: v.optional(HEX_SHA256),
  ge: v.optional(HEX_SHA256),
  db: v.optional(HEX_SHA256),
  fbc: v.optional(v.pipe(v.string(), v.check(isValidFbc, 'must be fb.<0-2>.<ms>.<fbclid>'))),
  fbp: v.optional(v.pipe(v.string(), v.check(isValidFbp, 'must be fb.<0-2>.<ms>.<random>'))),
  client_ip_address: v.optional(v.pipe(v.string(), v.ip())),
  client_user_agent: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
};
