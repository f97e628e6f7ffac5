import type { ClickIds, CloseOutcome } from '../../domain';
import type { Conversion, LeadClosedConversion, RowDecision } from '../types';

/**
 * Google rules shared by the Data Manager and the legacy Ads API mappings (pure).
 * Sources: platform-apis.md §1, §6.
 */

/** Google Ads' longest click-through window: a click older than this at upload can no longer convert. */
export const CLICK_WINDOW_MS = 90 * 86_400_000;
/** Google Ads API: conversion adjustments are accepted up to 54 days after the conversion. */
export const ADJUSTMENT_WINDOW_MS = 54 * 86_400_000;

export type GoogleClickId = { type: 'gclid' | 'gbraid' | 'wbraid'; value: string };

/**
 * Exactly one click id: gclid first, then gbraid, then wbraid (§6: both braids together are rejected
 * with GBRAID_WBRAID_BOTH_SET; tools that kept only gclid lost every iOS conversion).
 */
export function chooseClickId(clickIds: ClickIds | undefined): GoogleClickId | undefined {
  if (clickIds?.gclid) return { type: 'gclid', value: clickIds.gclid };
  if (clickIds?.gbraid) return { type: 'gbraid', value: clickIds.gbraid };
  if (clickIds?.wbraid) return { type: 'wbraid', value: clickIds.wbraid };
  return undefined;
}

/** The click happened when the lead was captured; past the 90-day window its id no longer attributes. */
export function usableClickId(conversion: LeadClosedConversion): {
  clickId?: GoogleClickId;
  expired: boolean;
} {
  const clickId = chooseClickId(conversion.lead?.clickIds);
  if (!clickId || !conversion.lead) return { expired: false };
  if (conversion.now - conversion.lead.capturedAt > CLICK_WINDOW_MS) return { expired: true };
  return { clickId, expired: false };
}

/** Conversion action IDs: won and lost deals, and orders (`purchase`). Unset → that kind is not sent. */
export type GoogleActions = {
  won: string | undefined;
  lost: string | undefined;
  purchase?: string | undefined;
};

/** The conversion action an outcome goes to; lost deals only when a lost action is configured. */
export function conversionActionFor(outcome: CloseOutcome, actions: GoogleActions): string | undefined {
  if (outcome === 'won') return actions.won;
  if (outcome === 'lost') return actions.lost;
  return undefined;
}

/** Rules every Google upload obeys before any mapping: consent first (DESIGN.md: consent false → no upload). */
export function precheckGoogle(
  conversion: Pick<Conversion, 'consent' | 'type'>,
): RowDecision<never> | undefined {
  if (conversion.consent?.marketing === false) {
    const who = conversion.type === 'checkout_completed' ? 'buyer' : 'lead';
    return { kind: 'skip', reason: 'consent', message: `the ${who} refused marketing consent` };
  }
  return undefined;
}

/** Lost deals keep their established reason; a won deal or an order without its action is `not_configured`. */
export function skipActionNotConfigured(kind: 'won' | 'lost' | 'purchase'): RowDecision<never> {
  if (kind === 'lost') return skipLostNotConfigured();
  const variable =
    kind === 'won' ? 'GOOGLE_ADS_CONVERSION_ACTION_WON' : 'GOOGLE_ADS_CONVERSION_ACTION_PURCHASE';
  return {
    kind: 'skip',
    reason: 'not_configured',
    message: `${kind === 'won' ? 'won deals' : 'orders'} go to Google only when ${variable} is set`,
  };
}

export function skipLostNotConfigured(): RowDecision<never> {
  return {
    kind: 'skip',
    reason: 'lost_not_configured',
    message: 'lost deals go to Google only when GOOGLE_ADS_CONVERSION_ACTION_LOST is set',
  };
}

export function skipNoIdentifier(clickExpired: boolean): RowDecision<never> {
  return clickExpired
    ? {
        kind: 'skip',
        reason: 'expired',
        message: 'the only identifier is a click older than Google’s 90-day window',
      }
    : {
        kind: 'skip',
        reason: 'no_identifier',
        message: 'no gclid/gbraid/wbraid and no hashed email, phone or address',
      };
}
