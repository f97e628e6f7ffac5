import * as v from 'valibot';
import { stagePlatformId } from '../../domain';
import { firstRowProblem, sendValidRow, WINDOW_SAFETY_MS } from '../row-validation';
import { skipStageNotNamed } from '../stage-skip';
import { acceptedState, type LeadStageConversion, type RowDecision } from '../types';
import { META_CRM_EVENT_ENTRIES } from './lead-closed';
import {
  buildMetaUserData,
  hasMetaMatchKey,
  META_BATCH,
  META_EVENT_WINDOW_MS,
  type MetaUserData,
} from './server-event';

/**
 * A funnel stage → Meta Conversions API server event (pure). Meta's CRM (Conversion Leads) payload spec
 * asks for every stage of the lead as it changes, each as its own `event_name` (the stage entry's
 * `meta.eventName`), `action_source: system_generated`, `custom_data.event_source: "crm"` and
 * `custom_data.lead_event_source` (platform-apis.md §7). `event_id` is `<leadKey>:<stage>`: never the
 * close's (the lead key alone), and the same on every replay, so Meta's de-duplication drops a repeat.
 */
export type MetaStageEvent = {
  event_name: string;
  event_time: number;
  action_source: 'system_generated';
  event_id: string;
  user_data: MetaUserData;
  custom_data: {
    event_source: 'crm';
    lead_event_source: string;
    /** The CONVERSION_STAGES name, so the stage reads the same in every platform. */
    funnel_stage: string;
    value?: number;
    currency?: string;
  };
};

const MetaStageEventSchema = v.object({
  ...META_CRM_EVENT_ENTRIES,
  custom_data: v.object({
    event_source: v.literal('crm'),
    lead_event_source: v.pipe(v.string(), v.minLength(1)),
    funnel_stage: v.string(),
    value: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
    currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/))),
  }),
});

export function decideMetaLeadStage(conversion: LeadStageConversion): RowDecision<MetaStageEvent> {
  const { stage } = conversion;
  const target = stage.targets.meta;
  if (!target) return skipStageNotNamed('Meta');
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the lead refused marketing consent' };
  }
  if (conversion.now - stage.reachedAt > META_EVENT_WINDOW_MS - WINDOW_SAFETY_MS) {
    return {
      kind: 'skip',
      reason: 'expired',
      message: 'over 7 days old: outside Meta’s window',
    };
  }
  // external_id is the lead key's hash, as for the close: the same person in Meta's eyes.
  const userData = buildMetaUserData(conversion, stage.leadKey);
  if (!hasMetaMatchKey(userData)) {
    return {
      kind: 'skip',
      reason: 'no_identifier',
      message: 'no hashed email, phone or name+locality, and no fbc/fbp',
    };
  }
  const event: MetaStageEvent = {
    event_name: target.eventName,
    event_time: Math.floor(Math.min(stage.reachedAt, conversion.now) / 1000),
    action_source: 'system_generated',
    event_id: stagePlatformId(stage),
    user_data: userData,
    custom_data: {
      event_source: 'crm',
      lead_event_source: conversion.crmDisplayName,
      funnel_stage: stage.stage,
      ...(stage.value !== undefined && stage.currency !== undefined
        ? { value: stage.value, currency: stage.currency }
        : {}),
    },
  };
  return sendValidRow(
    event,
    firstRowProblem(MetaStageEventSchema, event),
    META_BATCH,
    acceptedState(conversion),
  );
}
