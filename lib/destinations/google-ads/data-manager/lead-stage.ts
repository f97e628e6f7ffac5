import { stagePlatformId } from '../../../domain';
import { sendValidRow } from '../../row-validation';
import { skipStageNotNamed } from '../../stage-skip';
import { acceptedState, type LeadStageConversion, type RowDecision } from '../../types';
import { toRfc3339 } from '../formats';
import { precheckGoogle, skipIfPrecedesClick, skipNoIdentifier, usableLeadClickId } from '../rules';
import {
  consentOf,
  type DataManagerEvent,
  googleUserIdentifiers,
  stageDestinationReference,
  validateDataManagerEvent,
} from './event';
import type { DataManagerSettings } from './request';

/**
 * A funnel stage → Data Manager `Event` on the stage's own conversion action (pure). `transactionId` is
 * `<leadKey>:<stage>`, so the stage never overwrites the close (keyed by the lead key) and a re-send is an
 * update. The same consent, click-window and identifier rules as a close; the stage's time is its
 * conversion time. Stage rows of one action share requests (batch `stage:<action>`).
 */
export function stageBatch(conversionAction: string): string {
  return `stage:${conversionAction}`;
}

export function decideDataManagerLeadStage(
  conversion: LeadStageConversion,
  settings: Pick<DataManagerSettings, 'clickWindowMs'>,
): RowDecision<DataManagerEvent> {
  const { stage } = conversion;
  const target = stage.targets.google;
  if (!target) return skipStageNotNamed('Google');
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  const click = usableLeadClickId(conversion.lead, stage.reachedAt, settings.clickWindowMs);
  const precedes = skipIfPrecedesClick(click);
  if (precedes) return precedes;
  const { clickId } = click;
  const userIdentifiers = googleUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(click);
  const consent = consentOf(conversion.consent);
  const event: DataManagerEvent = {
    destinationReferences: [stageDestinationReference(target.conversionAction)],
    transactionId: stagePlatformId(stage),
    eventTimestamp: toRfc3339(stage.reachedAt),
    lastUpdatedTimestamp: toRfc3339(stage.updatedAt),
    ...(stage.value !== undefined && stage.currency !== undefined
      ? { conversionValue: stage.value, currency: stage.currency }
      : {}),
    eventSource: 'OTHER',
    ...(clickId
      ? { adIdentifiers: { [clickId.type]: clickId.value } as DataManagerEvent['adIdentifiers'] }
      : {}),
    ...(userIdentifiers.length > 0 ? { userData: { userIdentifiers } } : {}),
    ...(consent ? { consent } : {}),
  };
  return sendValidRow(
    event,
    validateDataManagerEvent(event),
    stageBatch(target.conversionAction),
    acceptedState(conversion),
  );
}
