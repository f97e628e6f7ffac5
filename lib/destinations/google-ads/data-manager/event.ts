import * as v from 'valibot';
import type { ConsentRecord, HashedIdentity } from '../../../domain';
import { firstRowProblem, HEX_SHA256 } from '../../row-validation';

/**
 * Lead closed → Data Manager `Event` (pure). Field names and enums checked against the Data Manager
 * REST reference (developers.google.com/data-manager/api/reference/rest/v1): `events:ingest` body
 * {destinations[], events[] ≤ 2,000, encoding}; Event {destinationReferences, transactionId,
 * eventTimestamp, lastUpdatedTimestamp, conversionValue, currency, eventSource, adIdentifiers, userData,
 * consent}; Consent status CONSENT_GRANTED | CONSENT_DENIED; UserIdentifier = exactly one of
 * emailAddress, phoneNumber, address{givenName, familyName, regionCode, postalCode}, ≤ 10 per event.
 */

export type ConsentStatus = 'CONSENT_GRANTED' | 'CONSENT_DENIED';
export type DataManagerUserIdentifier =
  | { emailAddress: string }
  | { phoneNumber: string }
  | { address: { givenName: string; familyName: string; regionCode: string; postalCode: string } };

/**
 * Data Manager CartData / Item (REST reference: CartData{merchantId, merchantFeedLabel,
 * merchantFeedLanguageCode, transactionDiscount, items[], couponCodes[]}, Item{merchantProductId,
 * quantity (int64, a string in JSON), unitPrice}); every field optional.
 */
export type DataManagerCartData = {
  merchantId?: string;
  transactionDiscount?: number;
  couponCodes?: string[];
  items: { merchantProductId: string; quantity: string; unitPrice: number }[];
};

export type DataManagerEvent = {
  /** Which destination of the request the event is for (`won` / `lost` / `purchase` / a stage's action). */
  destinationReferences: [DestinationReference];
  transactionId: string;
  eventTimestamp: string;
  lastUpdatedTimestamp: string;
  /** Optional in event.proto: a stage without a value leaves it to the conversion action's default. */
  conversionValue?: number;
  currency?: string;
  /** OTHER for a CRM close; WEB for an order placed on the website. */
  eventSource: 'OTHER' | 'WEB';
  adIdentifiers?: { gclid: string } | { gbraid: string } | { wbraid: string };
  userData?: { userIdentifiers: DataManagerUserIdentifier[] };
  consent?: { adUserData: ConsentStatus; adPersonalization: ConsentStatus };
  cartData?: DataManagerCartData;
};

/** A funnel stage's conversion action is a destination of its own: `action-<conversion action ID>`. */
export type DestinationReference = 'won' | 'lost' | 'purchase' | `action-${string}`;

const STAGE_REFERENCE_PREFIX = 'action-';

export function stageDestinationReference(conversionAction: string): DestinationReference {
  return `${STAGE_REFERENCE_PREFIX}${conversionAction}`;
}

/** The conversion action of a stage's reference, or undefined for won / lost / purchase. */
export function actionOfReference(reference: string): string | undefined {
  return reference.startsWith(STAGE_REFERENCE_PREFIX)
    ? reference.slice(STAGE_REFERENCE_PREFIX.length)
    : undefined;
}

/** Data Manager: at most 2,000 events a request. */
export const DATA_MANAGER_MAX_EVENTS = 2000;
/** UserData: at most 10 user identifiers per event. */
export const DATA_MANAGER_MAX_IDENTIFIERS = 10;
export const DATA_MANAGER_BATCH = 'events';

const consentStatus = (granted: boolean): ConsentStatus => (granted ? 'CONSENT_GRANTED' : 'CONSENT_DENIED');

export function consentOf(consent: ConsentRecord | undefined): DataManagerEvent['consent'] {
  if (!consent) return undefined;
  return {
    adUserData: consentStatus(consent.adUserData),
    adPersonalization: consentStatus(consent.adPersonalization),
  };
}

/**
 * Email and phone first so that a long list never crowds out a different kind of identifier; the address
 * only when complete (AddressInfo requires all four parts); at most 10.
 */
export function googleUserIdentifiers(identity: HashedIdentity | undefined): DataManagerUserIdentifier[] {
  const google = identity?.google;
  if (!google) return [];
  const emails = (google.emails ?? []).map((emailAddress) => ({ emailAddress }));
  const phones = (google.phones ?? []).map((phoneNumber) => ({ phoneNumber }));
  const address =
    google.givenName && google.familyName && google.regionCode && google.postalCode
      ? [
          {
            address: {
              givenName: google.givenName,
              familyName: google.familyName,
              regionCode: google.regionCode,
              postalCode: google.postalCode,
            },
          },
        ]
      : [];
  const ordered = [
    ...emails.slice(0, 1),
    ...phones.slice(0, 1),
    ...address,
    ...emails.slice(1),
    ...phones.slice(1),
  ];
  return ordered.slice(0, DATA_MANAGER_MAX_IDENTIFIERS);
}

const ClickIdValue = v.pipe(v.string(), v.minLength(1), v.maxLength(512), v.regex(/^[\x21-\x7e]+$/));

/** What we check before sending: one bad row would reject the whole request (fail-fast model). */
const CartDataSchema = v.strictObject({
  merchantId: v.optional(v.pipe(v.string(), v.regex(/^\d+$/))),
  transactionDiscount: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  couponCodes: v.optional(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(256)))),
  items: v.pipe(
    v.array(
      v.strictObject({
        merchantProductId: v.pipe(v.string(), v.minLength(1), v.maxLength(150)),
        quantity: v.pipe(
          v.string(),
          v.regex(/^[1-9]\d*$/, 'must be a positive whole number (int64 as a string)'),
        ),
        unitPrice: v.pipe(v.number(), v.finite(), v.minValue(0)),
      }),
    ),
    v.minLength(1),
  ),
});

export const DataManagerEventSchema = v.object({
  destinationReferences: v.tuple([
    v.union([v.picklist(['won', 'lost', 'purchase']), v.pipe(v.string(), v.regex(/^action-\d+$/))]),
  ]),
  transactionId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  eventTimestamp: v.pipe(v.string(), v.isoTimestamp('must be RFC 3339')),
  lastUpdatedTimestamp: v.pipe(v.string(), v.isoTimestamp('must be RFC 3339')),
  conversionValue: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'))),
  eventSource: v.picklist(['OTHER', 'WEB']),
  adIdentifiers: v.optional(
    v.union(
      [
        v.strictObject({ gclid: ClickIdValue }),
        v.strictObject({ gbraid: ClickIdValue }),
        v.strictObject({ wbraid: ClickIdValue }),
      ],
      'must hold exactly one of gclid, gbraid, wbraid',
    ),
  ),
  userData: v.optional(
    v.object({
      userIdentifiers: v.pipe(
        v.array(
          v.union([
            v.strictObject({ emailAddress: HEX_SHA256 }),
            v.strictObject({ phoneNumber: HEX_SHA256 }),
            v.strictObject({
              address: v.strictObject({
                givenName: HEX_SHA256,
                familyName: HEX_SHA256,
                regionCode: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
                postalCode: v.pipe(v.string(), v.minLength(1), v.maxLength(16)),
              }),
            }),
          ]),
        ),
        v.minLength(1),
        v.maxLength(DATA_MANAGER_MAX_IDENTIFIERS),
      ),
    }),
  ),
  consent: v.optional(
    v.object({
      adUserData: v.picklist(['CONSENT_GRANTED', 'CONSENT_DENIED']),
      adPersonalization: v.picklist(['CONSENT_GRANTED', 'CONSENT_DENIED']),
    }),
  ),
  cartData: v.optional(CartDataSchema),
});

/** The first problem with an event, as `field: message` (no values), or undefined when it is valid. */
export function validateDataManagerEvent(event: DataManagerEvent): string | undefined {
  const problem = firstRowProblem(DataManagerEventSchema, event);
  if (problem) return problem;
  if (!event.adIdentifiers && !event.userData) return 'event: needs a click id or user data';
  return undefined;
}
