import { type CloseOutcome, isWithdrawn } from '../../../domain';
import { decideWithdrawnClose } from '../../close-changes';
import { sendValidRow } from '../../row-validation';
import { acceptedState, type DeliveredState, type LeadClosedConversion, type RowDecision } from '../../types';
import { floorToSecond, toAdsDateTime } from '../formats';
import {
  ADJUSTMENT_WINDOW_MS,
  conversionActionFor,
  precheckGoogle,
  skipActionNotConfigured,
  skipIfPrecedesClick,
  skipNoIdentifier,
  usableClickId,
} from '../rules';
import {
  ADS_ADJUSTMENTS_BATCH,
  ADS_CONVERSIONS_BATCH,
  type AdsApiRow,
  adsUserIdentifiers,
  type ClickConversion,
  type ConversionAdjustment,
  conversionActionResource,
  validateClickConversion,
} from './conversion';
import type { AdsApiSettings } from './request';

/**
 * Lead closed → a ClickConversion, or a ConversionAdjustment for a deal Google already has (pure); the
 * rows' fields and rules are in ./conversion.ts.
 */

function orderIdOf(conversion: LeadClosedConversion): string {
  return conversion.close.subjectKey;
}

/**
 * A deal the platform already knows about changed: RESTATEMENT for a new value (same outcome), RETRACTION
 * when a won deal turns lost or re-opens (or a lost one re-opens). An adjustment must be after the
 * conversion, newer than the previous one, and within 54 days of the conversion (§1b).
 */
function decideAdjustment(
  conversion: LeadClosedConversion,
  delivered: DeliveredState,
  settings: Pick<AdsApiSettings, 'customerId' | 'actions'>,
): RowDecision<AdsApiRow> | undefined {
  const { close } = conversion;
  if (delivered.retracted) {
    // Won again, or a deleted deal restored: the order ID is spent (a retraction is final).
    return close.outcome === 'won' || (delivered.outcome === 'deleted' && !isWithdrawn(close.outcome))
      ? {
          kind: 'skip',
          reason: 'previously_retracted',
          message: 'the conversion was retracted; Google Ads cannot restate or re-upload the same order',
        }
      : { kind: 'skip', reason: 'unchanged', message: 'the conversion is already retracted' };
  }
  const previousOutcome = delivered.outcome as Exclude<CloseOutcome, 'reopened' | 'deleted'>;
  const sameOutcome = close.outcome === previousOutcome;
  const revalued = sameOutcome && (close.value !== delivered.value || close.currency !== delivered.currency);
  // Re-opened or deleted (whatever was sent), or won turned lost: the conversion is taken back.
  const retract = isWithdrawn(close.outcome) || (previousOutcome === 'won' && close.outcome === 'lost');
  if (sameOutcome && (!revalued || previousOutcome === 'lost')) {
    return { kind: 'skip', reason: 'unchanged', message: 'Google Ads already has this outcome and value' };
  }
  if (!revalued && !retract) return undefined; // lost → won: a new conversion on the won action
  const conversionAt = delivered.conversionAt ?? close.closedAt;
  if (conversion.now - conversionAt > ADJUSTMENT_WINDOW_MS) {
    return {
      kind: 'skip',
      reason: 'adjustment_window_passed',
      message: 'Google Ads accepts adjustments only within 54 days of the conversion',
    };
  }
  const actionId = conversionActionFor(previousOutcome, settings.actions);
  if (!actionId)
    return { kind: 'skip', reason: 'lost_not_configured', message: 'no conversion action to adjust' };
  // After the conversion and strictly after any earlier adjustment (whole seconds on the wire).
  const adjustedAt = Math.max(
    floorToSecond(conversion.now),
    floorToSecond(delivered.at) + 1000,
    floorToSecond(conversionAt) + 1000,
  );
  const adjustment: ConversionAdjustment = {
    conversionAction: conversionActionResource(settings.customerId, actionId),
    adjustmentType: retract ? 'RETRACTION' : 'RESTATEMENT',
    adjustmentDateTime: toAdsDateTime(adjustedAt),
    orderId: orderIdOf(conversion),
    ...(retract ? {} : { restatementValue: { adjustedValue: close.value, currencyCode: close.currency } }),
  };
  return {
    kind: 'send',
    row: adjustment,
    batch: ADS_ADJUSTMENTS_BATCH,
    accepted: {
      ...acceptedState(conversion),
      at: adjustedAt,
      conversionAt,
      ...(retract ? { retracted: true, outcome: close.outcome } : {}),
    },
  };
}

export function decideAdsApiLeadClosed(
  conversion: LeadClosedConversion,
  settings: Pick<AdsApiSettings, 'customerId' | 'actions' | 'clickWindowMs'>,
): RowDecision<AdsApiRow> {
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  const { close, delivered } = conversion;
  if (delivered) {
    const adjustment = decideAdjustment(conversion, delivered, settings);
    if (adjustment) return adjustment;
  }
  // Nothing was sent for a close the CRM took back: the delivery is cancelled.
  const withdrawn = decideWithdrawnClose(conversion, { platform: 'Google Ads' });
  if (withdrawn) return withdrawn;
  const outcome = close.outcome as 'won' | 'lost';
  const actionId = conversionActionFor(outcome, settings.actions);
  if (!actionId) return skipActionNotConfigured(outcome);
  const click = usableClickId(conversion, settings.clickWindowMs);
  const precedes = skipIfPrecedesClick(click);
  if (precedes) return precedes;
  const { clickId } = click;
  const userIdentifiers = adsUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(click);
  const clickConversion: ClickConversion = {
    ...(clickId ? { [clickId.type]: clickId.value } : {}),
    conversionAction: conversionActionResource(settings.customerId, actionId),
    conversionDateTime: toAdsDateTime(close.closedAt),
    conversionValue: close.value,
    currencyCode: close.currency,
    orderId: orderIdOf(conversion),
    ...(userIdentifiers.length > 0 ? { userIdentifiers } : {}),
    ...(conversion.consent
      ? { consent: { adUserData: conversion.consent.adUserData ? 'GRANTED' : 'DENIED' } }
      : {}),
  };
  return sendValidRow(
    clickConversion,
    validateClickConversion(clickConversion),
    ADS_CONVERSIONS_BATCH,
    acceptedState(conversion),
  );
}
