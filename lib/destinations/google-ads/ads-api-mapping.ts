import * as v from 'valibot';
import { type CloseOutcome, type HashedIdentity, isWithdrawn } from '../../domain';
import { decideWithdrawnClose } from '../close-changes';
import { firstRowProblem, HEX_SHA256 } from '../row-validation';
import {
  acceptedState,
  type DeliveredState,
  type LeadClosedConversion,
  type RequestDescription,
  type RowDecision,
} from '../types';
import { floorToSecond, toAdsDateTime } from './formats';
import {
  ADJUSTMENT_WINDOW_MS,
  conversionActionFor,
  type GoogleActions,
  precheckGoogle,
  skipActionNotConfigured,
  skipNoIdentifier,
  usableClickId,
} from './rules';

/**
 * Lead closed → Google Ads API ClickConversion or ConversionAdjustment (pure), for accounts still
 * allowlisted for `uploadClickConversions` (platform-apis.md §1b; Google Ads API reference
 * ClickConversion / ConversionAdjustment, Consent{adUserData} — ad_personalization is not settable here).
 */

export type AdsUserIdentifier = { hashedEmail: string } | { hashedPhoneNumber: string };

/**
 * Google Ads API CartData / CartData.Item (reference rpc/v26 CartData: merchant_id int64, feed_country_code,
 * feed_language_code, local_transaction_cost, items[{product_id, quantity int32, unit_price}]).
 */
export type AdsCartData = {
  merchantId: string;
  localTransactionCost?: number;
  items: { productId: string; quantity: number; unitPrice: number }[];
};

export type ClickConversion = {
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  conversionAction: string;
  conversionDateTime: string;
  conversionValue: number;
  currencyCode: string;
  orderId: string;
  userIdentifiers?: AdsUserIdentifier[];
  consent?: { adUserData: 'GRANTED' | 'DENIED' };
  cartData?: AdsCartData;
};

export type ConversionAdjustment = {
  conversionAction: string;
  adjustmentType: 'RESTATEMENT' | 'RETRACTION';
  adjustmentDateTime: string;
  orderId: string;
  restatementValue?: { adjustedValue: number; currencyCode: string };
};

export type AdsApiRow = ClickConversion | ConversionAdjustment;

export const ADS_CONVERSIONS_BATCH = 'conversions';
export const ADS_ADJUSTMENTS_BATCH = 'adjustments';
/** uploadClickConversions / uploadConversionAdjustments: at most 2,000 operations a request. */
export const ADS_MAX_OPERATIONS = 2000;
/** ClickConversion.user_identifiers: at most 5. */
export const ADS_MAX_USER_IDENTIFIERS = 5;

export type AdsApiSettings = {
  customerId: string;
  actions: GoogleActions;
  baseUrl: string;
  apiVersion: string;
};

export function conversionActionResource(customerId: string, actionId: string): string {
  return `customers/${customerId}/conversionActions/${actionId}`;
}

/** Only hashed email and phone are accepted here; first email and first phone lead. */
export function adsUserIdentifiers(identity: HashedIdentity | undefined): AdsUserIdentifier[] {
  const google = identity?.google;
  if (!google) return [];
  const emails = (google.emails ?? []).map((hashedEmail) => ({ hashedEmail }));
  const phones = (google.phones ?? []).map((hashedPhoneNumber) => ({ hashedPhoneNumber }));
  return [...emails.slice(0, 1), ...phones.slice(0, 1), ...emails.slice(1), ...phones.slice(1)].slice(
    0,
    ADS_MAX_USER_IDENTIFIERS,
  );
}

const ADS_DATE_TIME = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/));
const RESOURCE = v.pipe(v.string(), v.regex(/^customers\/\d{10}\/conversionActions\/\d+$/));

const ClickConversionSchema = v.pipe(
  v.object({
    gclid: v.optional(v.pipe(v.string(), v.minLength(1))),
    gbraid: v.optional(v.pipe(v.string(), v.minLength(1))),
    wbraid: v.optional(v.pipe(v.string(), v.minLength(1))),
    conversionAction: RESOURCE,
    conversionDateTime: ADS_DATE_TIME,
    conversionValue: v.pipe(v.number(), v.finite(), v.minValue(0)),
    currencyCode: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
    orderId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
    userIdentifiers: v.optional(
      v.pipe(
        v.array(
          v.union([
            v.strictObject({ hashedEmail: HEX_SHA256 }),
            v.strictObject({ hashedPhoneNumber: HEX_SHA256 }),
          ]),
        ),
        v.maxLength(ADS_MAX_USER_IDENTIFIERS),
      ),
    ),
    consent: v.optional(v.object({ adUserData: v.picklist(['GRANTED', 'DENIED']) })),
    cartData: v.optional(
      v.strictObject({
        merchantId: v.pipe(v.string(), v.regex(/^\d+$/)),
        localTransactionCost: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
        items: v.pipe(
          v.array(
            v.strictObject({
              productId: v.pipe(v.string(), v.minLength(1)),
              quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
              unitPrice: v.pipe(v.number(), v.finite(), v.minValue(0)),
            }),
          ),
          v.minLength(1),
        ),
      }),
    ),
  }),
  v.check(
    (conversion) => [conversion.gclid, conversion.gbraid, conversion.wbraid].filter(Boolean).length <= 1,
    'at most one of gclid, gbraid, wbraid',
  ),
  v.check(
    (conversion) =>
      Boolean(
        conversion.gclid || conversion.gbraid || conversion.wbraid || conversion.userIdentifiers?.length,
      ),
    'needs a click id or user identifiers',
  ),
);

export function validateClickConversion(conversion: ClickConversion): string | undefined {
  return firstRowProblem(ClickConversionSchema, conversion, 'conversion');
}

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

export function buildAdsApiDecision(
  conversion: LeadClosedConversion,
  settings: Pick<AdsApiSettings, 'customerId' | 'actions'>,
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
  const { clickId, expired } = usableClickId(conversion);
  const userIdentifiers = adsUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(expired);
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
  const problem = validateClickConversion(clickConversion);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  return {
    kind: 'send',
    row: clickConversion,
    batch: ADS_CONVERSIONS_BATCH,
    accepted: acceptedState(conversion),
  };
}

export function buildAdsApiRequest(
  rows: readonly AdsApiRow[],
  batch: string,
  settings: Pick<AdsApiSettings, 'customerId' | 'baseUrl' | 'apiVersion'>,
): RequestDescription {
  const base = `${settings.baseUrl}/${settings.apiVersion}/customers/${settings.customerId}`;
  // partialFailure: each row succeeds or fails on its own; errors name the row by index.
  return batch === ADS_ADJUSTMENTS_BATCH
    ? {
        method: 'POST',
        url: `${base}:uploadConversionAdjustments`,
        body: { conversionAdjustments: rows, partialFailure: true },
      }
    : {
        method: 'POST',
        url: `${base}:uploadClickConversions`,
        body: { conversions: rows, partialFailure: true },
      };
}
