import { stagePlatformId } from '../../../domain';
import { sendValidRow } from '../../row-validation';
import { skipStageNotNamed } from '../../stage-skip';
import { acceptedState, type LeadStageConversion, type RowDecision } from '../../types';
import { toAdsDateTime } from '../formats';
import { precheckGoogle, skipIfPrecedesClick, skipNoIdentifier, usableLeadClickId } from '../rules';
import {
  ADS_CONVERSIONS_BATCH,
  type AdsApiRow,
  adsUserIdentifiers,
  type ClickConversion,
  conversionActionResource,
  validateClickConversion,
} from './conversion';
import type { AdsApiSettings } from './request';

/**
 * A funnel stage → a ClickConversion on the stage's own conversion action (pure). `orderId` is
 * `<leadKey>:<stage>`: one per order per action (§1b), never the close's, and a replay answers
 * ORDER_ID_ALREADY_IN_USE, which counts as delivered. A stage is never adjusted: it is reached once.
 */
export function decideAdsApiLeadStage(
  conversion: LeadStageConversion,
  settings: Pick<AdsApiSettings, 'customerId' | 'clickWindowMs'>,
): RowDecision<AdsApiRow> {
  const { stage } = conversion;
  const target = stage.targets.google;
  if (!target) return skipStageNotNamed('Google');
  const precheck = precheckGoogle(conversion);
  if (precheck) return precheck;
  if (conversion.delivered) {
    return { kind: 'skip', reason: 'unchanged', message: 'Google Ads already has this stage' };
  }
  const click = usableLeadClickId(conversion.lead, stage.reachedAt, settings.clickWindowMs);
  const precedes = skipIfPrecedesClick(click);
  if (precedes) return precedes;
  const { clickId } = click;
  const userIdentifiers = adsUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(click);
  const clickConversion: ClickConversion = {
    ...(clickId ? { [clickId.type]: clickId.value } : {}),
    conversionAction: conversionActionResource(settings.customerId, target.conversionAction),
    conversionDateTime: toAdsDateTime(stage.reachedAt),
    ...(stage.value !== undefined && stage.currency !== undefined
      ? { conversionValue: stage.value, currencyCode: stage.currency }
      : {}),
    orderId: stagePlatformId(stage),
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
