import { decideWithdrawnClose } from '../../close-changes';
import { sendValidRow } from '../../row-validation';
import { acceptedState, type DeliveredState, type LeadClosedConversion, type RowDecision } from '../../types';
import { toRfc3339 } from '../formats';
import {
  conversionActionFor,
  precheckGoogle,
  skipActionNotConfigured,
  skipIfPrecedesClick,
  skipNoIdentifier,
  usableClickId,
} from '../rules';
import {
  consentOf,
  DATA_MANAGER_BATCH,
  type DataManagerEvent,
  googleUserIdentifiers,
  validateDataManagerEvent,
} from './event';
import type { DataManagerSettings } from './request';

/** Lead closed → Data Manager `Event` (pure); the event's fields and rules are in ./event.ts. */

const RETRACT_HINT = 'retract it in Google Ads or use GOOGLE_ADS_UPLOAD_API=ads';

function retractionUnsupported(outcome: string): RowDecision<DataManagerEvent> {
  return {
    kind: 'skip',
    reason: 'retraction_unsupported',
    message: `the deal is now ${outcome} but Data Manager cannot retract the won conversion already sent; ${RETRACT_HINT}`,
  };
}

function needsRetraction(conversion: LeadClosedConversion, delivered: DeliveredState | undefined): boolean {
  if (delivered?.outcome !== 'won') return false;
  return conversion.close.outcome === 'reopened' || conversion.close.outcome === 'lost';
}

/**
 * The decision for one close. A re-valued deal is simply sent again: same `transactionId`, same
 * destination, and Data Manager overwrites value and currency (§1a "Adjustments"). A won deal that turns
 * lost, re-opens or is deleted cannot be retracted through Data Manager: the delivery says so.
 */
export function decideDataManagerLeadClosed(
  conversion: LeadClosedConversion,
  settings: Pick<DataManagerSettings, 'actions' | 'clickWindowMs'>,
): RowDecision<DataManagerEvent> {
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  const { close } = conversion;
  if (needsRetraction(conversion, conversion.delivered)) return retractionUnsupported(close.outcome);
  const withdrawn = decideWithdrawnClose(conversion, { platform: 'Data Manager', retractHint: RETRACT_HINT });
  if (withdrawn) return withdrawn;
  // Only a standing close gets this far (decideWithdrawnClose took the rest).
  const reference = close.outcome as 'won' | 'lost';
  if (!conversionActionFor(reference, settings.actions)) return skipActionNotConfigured(reference);

  const click = usableClickId(conversion, settings.clickWindowMs);
  const precedes = skipIfPrecedesClick(click);
  if (precedes) return precedes;
  const { clickId } = click;
  const userIdentifiers = googleUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(click);

  const consent = consentOf(conversion.consent);
  const event: DataManagerEvent = {
    destinationReferences: [reference],
    // The lead ID (the close key is the lead ID whenever the CRM gave one): a re-send overwrites.
    // The close key: the lead ID (DESIGN), or for a deal that closed before it had one, the deal's key,
    // kept for life, so that every re-send is an update of the same conversion.
    transactionId: close.subjectKey,
    eventTimestamp: toRfc3339(close.closedAt),
    lastUpdatedTimestamp: toRfc3339(close.updatedAt),
    conversionValue: close.value,
    currency: close.currency,
    eventSource: 'OTHER',
    ...(clickId
      ? { adIdentifiers: { [clickId.type]: clickId.value } as DataManagerEvent['adIdentifiers'] }
      : {}),
    ...(userIdentifiers.length > 0 ? { userData: { userIdentifiers } } : {}),
    ...(consent ? { consent } : {}),
  };
  return sendValidRow(event, validateDataManagerEvent(event), DATA_MANAGER_BATCH, acceptedState(conversion));
}
