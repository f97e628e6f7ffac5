import * as v from 'valibot';
import type { HashedIdentity, LeadRecord } from '../../domain';
import { isValidFbc, isValidFbp } from '../../leads/click-ids';
import { sha256Hex } from '../../leads/hash';
import { normaliseExternalId } from '../../leads/normalise-external-id';
import { decideUnchangedAtPlatform, decideWithdrawnClose } from '../close-changes';
import { firstRowProblem, HEX_SHA256, WINDOW_SAFETY_MS } from '../row-validation';
import {
  acceptedState,
  type LeadClosedConversion,
  type RequestDescription,
  type RowDecision,
} from '../types';
import type { MetaEventNaming, MetaSettings } from './settings';

/**
 * Lead closed → Meta Conversions API server event (pure). Facts from platform-apis.md §2 and Meta's
 * "Server Event" / "Customer Information" / "Custom Data" parameter pages: CRM events use
 * `action_source: "system_generated"` with `custom_data.event_source: "crm"` and
 * `custom_data.lead_event_source` (there is no `crm` action source); `event_time` in seconds and at most
 * 7 days old; `user_data` hashed except fbc, fbp, lead_id, client IP and user agent.
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

export type MetaServerEvent = {
  event_name: string;
  event_time: number;
  action_source: 'system_generated';
  event_id: string;
  user_data: MetaUserData;
  custom_data: {
    value: number;
    currency: string;
    event_source: 'crm';
    lead_event_source: string;
    close_outcome: 'won' | 'lost';
    closure_reason?: string;
    sales_cycle_days?: number;
  };
};

/** Conversions API: at most 1,000 events a request. */
export const META_MAX_EVENTS = 1000;
export const META_BATCH = 'events';
/** Meta refuses events older than 7 days, and one such event fails the whole request. */
export const META_EVENT_WINDOW_MS = 7 * 86_400_000;

export function metaEventName(naming: MetaEventNaming, outcome: 'won' | 'lost'): string {
  if (naming === 'single') return 'LeadClosed';
  return outcome === 'won' ? 'LeadClosedWon' : 'LeadClosedLost';
}

/** Meta Instant Form (Lead Ads) lead IDs are 15–17 digits; anything else is not one (§6). */
export function isMetaLeadgenId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{15,17}$/.test(value);
}

/**
 * A Meta Lead Ads lead ID, when the capture recorded one as `metaLeadId`. No capture path records it
 * yet; until one does, `lead_id` is never sent (the connector's own lead ID goes in external_id / event_id).
 */
function metaLeadIdOf(lead: LeadRecord | undefined): string | undefined {
  const stated = (lead as (LeadRecord & { metaLeadId?: unknown }) | undefined)?.metaLeadId;
  return isMetaLeadgenId(stated) ? stated : undefined;
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

export function buildMetaUserData(conversion: LeadClosedConversion, leadKey: string): MetaUserData {
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

const MetaServerEventSchema = v.object({
  event_name: v.pipe(v.string(), v.minLength(1), v.maxLength(50)),
  event_time: v.pipe(v.number(), v.integer(), v.minValue(1_000_000_000)),
  action_source: v.literal('system_generated'),
  event_id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  user_data: v.object({
    ...META_MATCH_FIELD_ENTRIES,
    external_id: v.array(HEX_SHA256),
    lead_id: v.optional(v.pipe(v.string(), v.regex(/^\d{15,17}$/))),
  }),
  custom_data: v.object({
    value: v.pipe(v.number(), v.finite(), v.minValue(0)),
    currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
    event_source: v.literal('crm'),
    lead_event_source: v.pipe(v.string(), v.minLength(1)),
    close_outcome: v.picklist(['won', 'lost']),
    closure_reason: v.optional(v.pipe(v.string(), v.maxLength(1024))),
    sales_cycle_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
});

export function validateMetaEvent(event: MetaServerEvent): string | undefined {
  return firstRowProblem(MetaServerEventSchema, event);
}

/**
 * The decision for one close. `event_id` is the lead ID itself: stable across retries, webhook repeats
 * and backfill replays, so Meta's 48-hour de-duplication on event_name + event_id drops any repeat.
 * Meta has no adjustment: a re-valued deal is not re-sent (a re-send inside 48 h is dropped as a
 * duplicate, after 48 h it counts twice) → `skipped:revalue_unsupported`. A won ↔ lost flip is sent
 * only with outcome naming, where the new event has its own name (LeadClosedLost vs LeadClosedWon) and
 * so its own de-duplication key; with a single `LeadClosed` name it would count the deal twice.
 */
export function buildMetaDecision(
  conversion: LeadClosedConversion,
  settings: Pick<MetaSettings, 'eventNaming'>,
): RowDecision<MetaServerEvent> {
  const { close, delivered } = conversion;
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the lead refused marketing consent' };
  }
  // Re-opened or deleted: Meta has no way to take an event back.
  const withdrawn = decideWithdrawnClose(conversion, { platform: 'Meta' });
  if (withdrawn) return withdrawn;
  const unchanged = decideUnchangedAtPlatform(conversion, { platform: 'Meta' });
  if (unchanged) return unchanged;
  if (delivered && !delivered.retracted && delivered.outcome === close.outcome) {
    return {
      kind: 'skip',
      reason: 'revalue_unsupported',
      message: 'Meta has no conversion adjustment; the event already sent keeps its value',
    };
  }
  if (delivered && delivered.outcome !== close.outcome && settings.eventNaming === 'single') {
    return {
      kind: 'skip',
      reason: 'outcome_change_unsupported',
      message:
        'the deal changed outcome; a second LeadClosed event would count it twice (META_EVENT_NAMING=outcome sends it)',
    };
  }
  if (conversion.now - close.closedAt > META_EVENT_WINDOW_MS - WINDOW_SAFETY_MS) {
    return {
      kind: 'skip',
      reason: 'expired',
      message: 'closed more than 7 days ago: outside Meta’s event window',
    };
  }
  // Only a standing close gets this far (decideWithdrawnClose took the rest).
  const outcome = close.outcome as 'won' | 'lost';
  // The lead ID, or the deal's lifelong key when it closed without one (see CloseInput.subjectKey).
  const leadKey = close.subjectKey;
  const userData = buildMetaUserData(conversion, leadKey);
  if (!hasMetaMatchKey(userData)) {
    return {
      kind: 'skip',
      reason: 'no_identifier',
      message: 'no hashed email, phone or name+locality, and no fbc/fbp',
    };
  }
  const event: MetaServerEvent = {
    event_name: metaEventName(settings.eventNaming, outcome),
    // A close stamped ahead of our clock would be refused as a future event.
    event_time: Math.floor(Math.min(close.closedAt, conversion.now) / 1000),
    action_source: 'system_generated',
    event_id: leadKey,
    user_data: userData,
    custom_data: {
      value: close.value,
      currency: close.currency,
      event_source: 'crm',
      lead_event_source: conversion.crmDisplayName,
      close_outcome: outcome,
      ...(close.closureReason ? { closure_reason: close.closureReason } : {}),
      ...(close.salesCycleDays !== undefined ? { sales_cycle_days: close.salesCycleDays } : {}),
    },
  };
  const problem = validateMetaEvent(event);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  return {
    kind: 'send',
    row: event,
    batch: META_BATCH,
    accepted: acceptedState(conversion),
  };
}

/** The request body without the access token (the client adds it; it is never recorded). */
export function buildMetaRequest(events: readonly unknown[], settings: MetaSettings): RequestDescription {
  return {
    method: 'POST',
    url: `${settings.graphBaseUrl}/${settings.apiVersion}/${settings.pixelId}/events`,
    body: { data: events, ...(settings.testEventCode ? { test_event_code: settings.testEventCode } : {}) },
  };
}
