import * as v from 'valibot';
import { decideUnadjustableChange } from '../close-changes';
import { firstRowProblem, HEX_SHA256, sendValidRow, WINDOW_SAFETY_MS } from '../row-validation';
import { acceptedState, type LeadClosedConversion, type RowDecision } from '../types';
import {
  buildMetaUserData,
  hasMetaMatchKey,
  META_BATCH,
  META_EVENT_WINDOW_MS,
  META_MATCH_FIELD_ENTRIES,
  type MetaUserData,
} from './server-event';
import type { MetaEventNaming, MetaSettings } from './settings';

/**
 * Lead closed → Meta Conversions API server event (pure). Facts from platform-apis.md §2 and Meta's
 * "Server Event" / "Customer Information" / "Custom Data" parameter pages: CRM events use
 * `action_source: "system_generated"` with `custom_data.event_source: "crm"` and
 * `custom_data.lead_event_source` (there is no `crm` action source); `event_time` in seconds and at most
 * 7 days old; `user_data` hashed except fbc, fbp, lead_id, client IP and user agent.
 */

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

export function metaEventName(naming: MetaEventNaming, outcome: 'won' | 'lost'): string {
  if (naming === 'single') return 'LeadClosed';
  return outcome === 'won' ? 'LeadClosedWon' : 'LeadClosedLost';
}

/** What every CRM server event checks alike, closes and funnel stages (lead-stage.ts). */
export const META_CRM_EVENT_ENTRIES = {
  event_name: v.pipe(v.string(), v.minLength(1), v.maxLength(50)),
  event_time: v.pipe(v.number(), v.integer(), v.minValue(1_000_000_000)),
  action_source: v.literal('system_generated'),
  event_id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  user_data: v.object({
    ...META_MATCH_FIELD_ENTRIES,
    external_id: v.array(HEX_SHA256),
    lead_id: v.optional(v.pipe(v.string(), v.regex(/^\d{15,17}$/))),
  }),
};

const MetaServerEventSchema = v.object({
  ...META_CRM_EVENT_ENTRIES,
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

export function validateMetaServerEvent(event: MetaServerEvent): string | undefined {
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
export function decideMetaLeadClosed(
  conversion: LeadClosedConversion,
  settings: Pick<MetaSettings, 'eventNaming'>,
): RowDecision<MetaServerEvent> {
  const { close } = conversion;
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the lead refused marketing consent' };
  }
  // Re-opened or deleted: Meta has no way to take an event back; nor to re-value or flip one.
  const change = decideUnadjustableChange(conversion, {
    platform: 'Meta',
    outcomeNamed: settings.eventNaming === 'outcome',
    secondEvent: 'a second LeadClosed event',
    namingHint: 'META_EVENT_NAMING=outcome sends it',
  });
  if (change) return change;
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
  return sendValidRow(event, validateMetaServerEvent(event), META_BATCH, acceptedState(conversion));
}
