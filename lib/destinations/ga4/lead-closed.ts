import { decideUnadjustableChange, decideWithdrawnClose } from '../close-changes';
import { acceptedState, type LeadClosedConversion, type RowDecision } from '../types';
import {
  type Ga4Row,
  ga4Text,
  precheckGa4,
  sendGa4Row,
  toTimestampMicros,
  withClientId,
  withoutUndefined,
} from './event';
import { ga4TransactionId } from './identifiers';
import type { Ga4LeadClosedEvent, Ga4Settings } from './settings';

/** Lead closed → GA4's lead events (pure): `close_convert_lead` / `close_unconvert_lead`, or one `lead_closed`. */

/** The GA4 event name of a close: the recommended lead events by default, or one custom `lead_closed`. */
export function ga4LeadEventName(naming: Ga4LeadClosedEvent, outcome: 'won' | 'lost'): string {
  if (naming === 'lead_closed') return 'lead_closed';
  return outcome === 'won' ? 'close_convert_lead' : 'close_unconvert_lead';
}

export function decideGa4LeadClosed(
  conversion: LeadClosedConversion,
  settings: Pick<Ga4Settings, 'leadClosedEvent' | 'clientIdFallback'>,
): RowDecision<Ga4Row> {
  const { close, lead } = conversion;
  const visitor = withClientId(
    {
      clientId: lead?.clickIds?.gaClientId,
      userId: close.userId ?? lead?.userId,
      consent: conversion.consent,
    },
    settings.clientIdFallback,
    close.leadId,
  );
  // A close the CRM took back sends nothing, whatever the lead lacks: cancelled, or left as sent.
  const withdrawn = decideWithdrawnClose(conversion, { platform: 'GA4' });
  if (withdrawn) return withdrawn;
  const checked = precheckGa4(visitor, close.closedAt, conversion.now);
  if (checked) return checked;
  const change = decideUnadjustableChange(conversion, {
    platform: 'GA4',
    // close_convert_lead and close_unconvert_lead are distinct events; one lead_closed name is not.
    outcomeNamed: settings.leadClosedEvent === 'close_convert_lead',
    namingHint: 'GA4_LEAD_CLOSED_EVENT=close_convert_lead sends it',
  });
  if (change) return change;
  const outcome = close.outcome as 'won' | 'lost';
  const name = ga4LeadEventName(settings.leadClosedEvent, outcome);
  const params = withoutUndefined({
    currency: close.currency,
    value: close.value,
    transaction_id: ga4TransactionId(close.leadId ?? close.subjectKey),
    lead_source: conversion.crmDisplayName,
    close_outcome: outcome,
    closure_reason: close.closureReason ? ga4Text(close.closureReason) : undefined,
    // GA4's close_unconvert_lead names its reason parameter unconvert_lead_reason.
    unconvert_lead_reason:
      name === 'close_unconvert_lead' ? ga4Text(close.closureReason ?? 'unspecified') : undefined,
    sales_cycle_days: close.salesCycleDays,
    deal_type: close.dealType ? ga4Text(close.dealType) : undefined,
  });
  return sendGa4Row(
    { ...visitor, clientId: visitor.clientId as string },
    { name, params, timestamp_micros: toTimestampMicros(close.closedAt, conversion.now) },
    acceptedState(conversion),
  );
}
