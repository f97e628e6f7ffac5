import { decideUnadjustableChange } from '../close-changes';
import { acceptedState, type LeadClosedConversion, type RowDecision } from '../types';
import { buildTiktokUser, decideTiktokEvent, skipNoEventSet, type TiktokEvent } from './event';
import type { TiktokSettings } from './settings';

/** Lead closed → TikTok's won or lost CRM event (pure), to the CRM Event Set. */
export function decideTiktokLeadClosed(
  conversion: LeadClosedConversion,
  settings: Pick<TiktokSettings, 'crmEventSetId' | 'wonEvent' | 'lostEvent'>,
): RowDecision<TiktokEvent> {
  const { close, lead } = conversion;
  // Never under the web pixel: TikTok files CRM events by their CRM Event Set.
  if (!settings.crmEventSetId) return skipNoEventSet('TIKTOK_CRM_EVENT_SET_ID', 'closes');
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the lead refused marketing consent' };
  }
  const change = decideUnadjustableChange(conversion, { platform: 'TikTok', outcomeNamed: false });
  if (change) return change;
  const leadKey = close.leadId ?? close.subjectKey;
  const outcome = close.outcome as 'won' | 'lost';
  const leadEventSource = conversion.crmDisplayName;
  const event: TiktokEvent = {
    event: outcome === 'won' ? settings.wonEvent : settings.lostEvent,
    event_time: Math.floor(Math.min(close.closedAt, conversion.now) / 1000),
    // The lead ID: stable across retries and replays, so TikTok's de-duplication drops any repeat.
    event_id: leadKey,
    user: buildTiktokUser(conversion.identity, lead?.clickIds, {
      externalId: leadKey,
      ip: lead?.ipAddress,
      userAgent: lead?.userAgent,
    }),
    properties: {
      value: close.value,
      currency: close.currency,
      close_outcome: outcome,
      ...(close.closureReason ? { closure_reason: close.closureReason } : {}),
      ...(close.salesCycleDays !== undefined ? { sales_cycle_days: close.salesCycleDays } : {}),
      lead_event_source: leadEventSource,
    },
    lead: { lead_event_source: leadEventSource },
  };
  return decideTiktokEvent(event, 'crm', acceptedState(conversion));
}
