import { stagePlatformId } from '../../domain';
import { skipStageNotNamed } from '../stage-skip';
import { acceptedState, type LeadStageConversion, type RowDecision } from '../types';
import { buildTiktokUser, decideTiktokEvent, skipNoEventSet, type TiktokEvent } from './event';
import type { TiktokSettings } from './settings';

/**
 * A funnel stage → a TikTok CRM event (pure), to the CRM Event Set, named by the stage entry's
 * `tiktok.eventName` (TikTok optimises on the standard event it is mapped to in Events Manager, so each
 * stage keeps a name of its own). `event_id` is `<leadKey>:<stage>`, never the close's.
 */
export function decideTiktokLeadStage(
  conversion: LeadStageConversion,
  settings: Pick<TiktokSettings, 'crmEventSetId'>,
): RowDecision<TiktokEvent> {
  const { stage, lead } = conversion;
  const target = stage.targets.tiktok;
  if (!target) return skipStageNotNamed('TikTok');
  if (!settings.crmEventSetId) return skipNoEventSet('TIKTOK_CRM_EVENT_SET_ID', 'stages');
  if (conversion.consent?.marketing === false) {
    return { kind: 'skip', reason: 'consent', message: 'the lead refused marketing consent' };
  }
  const leadEventSource = conversion.crmDisplayName;
  const event: TiktokEvent = {
    event: target.eventName,
    event_time: Math.floor(Math.min(stage.reachedAt, conversion.now) / 1000),
    event_id: stagePlatformId(stage),
    user: buildTiktokUser(conversion.identity, lead?.clickIds, {
      externalId: stage.leadKey,
      ip: lead?.ipAddress,
      userAgent: lead?.userAgent,
    }),
    properties: {
      ...(stage.value !== undefined && stage.currency !== undefined
        ? { value: stage.value, currency: stage.currency }
        : {}),
      funnel_stage: stage.stage,
      lead_event_source: leadEventSource,
    },
    lead: { lead_event_source: leadEventSource },
  };
  return decideTiktokEvent(event, 'crm', acceptedState(conversion));
}
