import { type ClickIds, type CloseOutcome, type OrderRecord, parseGclAw } from '../../domain';
import type { Conversion, LeadClosedConversion, RowDecision } from '../types';

/**
 * Google rules shared by the Data Manager and the legacy Ads API mappings (pure).
 * Sources: platform-apis.md §1, §6.
 */

/** Google Ads' longest click-through window, the default of GOOGLE_ADS_CLICK_WINDOW_DAYS. */
export const DEFAULT_CLICK_WINDOW_DAYS = 90;
export const DAY_MS = 86_400_000;
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

export type ClickCheck = { clickId?: GoogleClickId; expired: boolean; precedesClick?: boolean };

/**
 * Whether a click can still be credited with this conversion: the conversion action's click-through window
 * runs from the click to the conversion, not to the upload (platform-apis.md §7), and a conversion before
 * its click never counts (Data Manager CONVERSION_PRECEDES_CLICK). `clickAt` unknown → nothing to check.
 */
export function checkClick(
  clickId: GoogleClickId | undefined,
  clickAt: number | undefined,
  conversionAt: number,
  windowMs: number,
): ClickCheck {
  if (!clickId) return { expired: false };
  if (clickAt === undefined) return { clickId, expired: false };
  if (conversionAt < clickAt) return { expired: false, precedesClick: true };
  if (conversionAt - clickAt > windowMs) return { expired: true };
  return { clickId, expired: false };
}

/** The click time `_gcl_aw` states for this gclid, when the sender passed the cookie. */
function cookieClickTime(
  clickIds: ClickIds | undefined,
  clickId: GoogleClickId | undefined,
): number | undefined {
  const cookie = parseGclAw(clickIds?.gclAw);
  return clickId?.type === 'gclid' && cookie?.gclid === clickId.value ? cookie.clickedAt : undefined;
}

/** A close: the click happened when the lead was captured (or when `_gcl_aw` says); the conversion is the close. */
export function usableClickId(conversion: LeadClosedConversion, windowMs: number): ClickCheck {
  return usableLeadClickId(conversion.lead, conversion.close.closedAt, windowMs);
}

/** A lead's click for a conversion at `conversionAt` (a close, or a funnel stage it reached). */
export function usableLeadClickId(
  lead: LeadClosedConversion['lead'],
  conversionAt: number,
  windowMs: number,
): ClickCheck {
  const clickId = chooseClickId(lead?.clickIds);
  const clickAt = cookieClickTime(lead?.clickIds, clickId) ?? lead?.capturedAt;
  return checkClick(clickId, clickAt, conversionAt, windowMs);
}

/**
 * An order carries its own click: its time is known only from Google's `_gcl_aw` cookie for the gclid
 * chosen (`GCL.<seconds>.<gclid>`); otherwise the click came no later than the order and is not checked.
 */
export function usableOrderClickId(order: OrderRecord, windowMs: number): ClickCheck {
  const clickId = chooseClickId(order.clickIds);
  return checkClick(clickId, cookieClickTime(order.clickIds, clickId), order.occurredAt, windowMs);
}

/** Google warns and ignores cart data beside a gbraid or wbraid (WARNING_REASON_CART_DATA_NOT_SUPPORTED_WITH_GBRAID_OR_WBRAID). */
export function takesCartData(clickId: GoogleClickId | undefined): boolean {
  return clickId?.type !== 'gbraid' && clickId?.type !== 'wbraid';
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

export function skipNoIdentifier(check: Pick<ClickCheck, 'expired' | 'precedesClick'>): RowDecision<never> {
  if (check.precedesClick) {
    return {
      kind: 'skip',
      reason: 'conversion_precedes_click',
      message: 'the conversion is dated before its click; Google never credits it',
    };
  }
  return check.expired
    ? {
        kind: 'skip',
        reason: 'expired',
        message: 'the only identifier is a click older than the click-through window at the conversion',
      }
    : {
        kind: 'skip',
        reason: 'no_identifier',
        message: 'no gclid/gbraid/wbraid and no hashed email, phone or address',
      };
}

/** A conversion before its click is not sent at all, whatever else identifies the person. */
export function skipIfPrecedesClick(check: ClickCheck): RowDecision<never> | undefined {
  return check.precedesClick ? skipNoIdentifier(check) : undefined;
}
