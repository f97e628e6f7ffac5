import { stagePlatformId } from '../../domain';
import { skipStageNotNamed } from '../stage-skip';
import { acceptedState, type LeadStageConversion, type RowDecision } from '../types';
import {
  type Ga4Row,
  precheckGa4,
  sendGa4Row,
  toTimestampMicros,
  withClientId,
  withoutUndefined,
} from './event';
import { ga4TransactionId } from './identifiers';
import type { Ga4Settings } from './settings';

/**
 * A funnel stage → a GA4 lead event (pure): the stage entry's `ga4.eventName` — GA4's recommended lead
 * events are `generate_lead`, `qualify_lead`, `disqualify_lead`, `working_lead`, `close_convert_lead`,
 * `close_unconvert_lead` — with `transaction_id` `<leadKey>:<stage>`. The same visitor, consent and
 * 72-hour rules as a close.
 */
export function decideGa4LeadStage(
  conversion: LeadStageConversion,
  settings: Pick<Ga4Settings, 'clientIdFallback'>,
): RowDecision<Ga4Row> {
  const { stage, lead } = conversion;
  const target = stage.targets.ga4;
  if (!target) return skipStageNotNamed('GA4');
  const visitor = withClientId(
    { clientId: lead?.clickIds?.gaClientId, userId: lead?.userId, consent: conversion.consent },
    settings.clientIdFallback,
    stage.leadId,
  );
  const checked = precheckGa4(visitor, stage.reachedAt, conversion.now);
  if (checked) return checked;
  const params = withoutUndefined({
    currency: stage.value === undefined ? undefined : stage.currency,
    value: stage.currency === undefined ? undefined : stage.value,
    transaction_id: ga4TransactionId(stagePlatformId(stage)),
    lead_source: conversion.crmDisplayName,
    funnel_stage: stage.stage,
  });
  return sendGa4Row(
    { ...visitor, clientId: visitor.clientId as string },
    { name: target.eventName, params, timestamp_micros: toTimestampMicros(stage.reachedAt, conversion.now) },
    acceptedState(conversion),
  );
}
