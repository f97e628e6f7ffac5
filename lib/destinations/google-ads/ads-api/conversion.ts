import * as v from 'valibot';
import type { HashedIdentity } from '../../../domain';
import { firstRowProblem, HEX_SHA256 } from '../../row-validation';

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
  /** Optional in ClickConversion: a stage without a value counts the conversion action's default value. */
  conversionValue?: number;
  currencyCode?: string;
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
    conversionValue: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
    currencyCode: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/))),
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
