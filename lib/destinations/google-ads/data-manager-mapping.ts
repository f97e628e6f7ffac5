import * as v from 'valibot';
import type { ConsentRecord, HashedIdentity } from '../../domain';
import { decideWithdrawnClose } from '../close-changes';
import { firstRowProblem, HEX_SHA256 } from '../row-validation';
import {
  acceptedState,
  type DeliveredState,
  type LeadClosedConversion,
  type RequestDescription,
  type RowDecision,
} from '../types';
import { toRfc3339 } from './formats';
import {
  conversionActionFor,
  type GoogleActions,
  precheckGoogle,
  skipActionNotConfigured,
  skipNoIdentifier,
  usableClickId,
} from './rules';
import { DATA_MANAGER_API_VERSION } from './version';

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
  /** Which destination of the request the event is for (`won` / `lost` / `purchase`). */
  destinationReferences: [DestinationReference];
  transactionId: string;
  eventTimestamp: string;
  lastUpdatedTimestamp: string;
  conversionValue: number;
  currency: string;
  /** OTHER for a CRM close; WEB for an order placed on the website. */
  eventSource: 'OTHER' | 'WEB';
  adIdentifiers?: { gclid: string } | { gbraid: string } | { wbraid: string };
  userData?: { userIdentifiers: DataManagerUserIdentifier[] };
  consent?: { adUserData: ConsentStatus; adPersonalization: ConsentStatus };
  cartData?: DataManagerCartData;
};

export type DestinationReference = 'won' | 'lost' | 'purchase';

export type DataManagerSettings = {
  customerId: string;
  loginCustomerId: string | undefined;
  actions: GoogleActions;
  baseUrl: string;
};

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
  destinationReferences: v.tuple([v.picklist(['won', 'lost', 'purchase'])]),
  transactionId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  eventTimestamp: v.pipe(v.string(), v.isoTimestamp('must be RFC 3339')),
  lastUpdatedTimestamp: v.pipe(v.string(), v.isoTimestamp('must be RFC 3339')),
  conversionValue: v.pipe(v.number(), v.finite(), v.minValue(0)),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')),
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
export function buildDataManagerDecision(
  conversion: LeadClosedConversion,
  settings: Pick<DataManagerSettings, 'actions'>,
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

  const { clickId, expired } = usableClickId(conversion);
  const userIdentifiers = googleUserIdentifiers(conversion.identity);
  if (!clickId && userIdentifiers.length === 0) return skipNoIdentifier(expired);

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
  const problem = validateDataManagerEvent(event);
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  return {
    kind: 'send',
    row: event,
    batch: DATA_MANAGER_BATCH,
    accepted: acceptedState(conversion),
  };
}

function productAccount(accountId: string) {
  return { accountId, accountType: 'GOOGLE_ADS' as const };
}

/**
 * The `events:ingest` body. Won, lost and purchase events share one request: each Destination has a `reference`
 * and each event names its own in `destinationReferences` (an event without one would go to every
 * destination of the request; ≤ 10 destinations a request). So 5,000 closes are 3 requests whatever
 * their outcomes.
 */
export function buildIngestRequest(
  events: readonly DataManagerEvent[],
  settings: DataManagerSettings,
): RequestDescription {
  const references = new Set(events.map((event) => event.destinationReferences[0]));
  const destinations = (['won', 'lost', 'purchase'] as const)
    .filter((reference) => references.has(reference))
    .map((reference) => ({
      reference,
      operatingAccount: productAccount(settings.customerId),
      ...(settings.loginCustomerId ? { loginAccount: productAccount(settings.loginCustomerId) } : {}),
      productDestinationId: (reference === 'purchase'
        ? settings.actions.purchase
        : conversionActionFor(reference, settings.actions)) as string,
    }));
  return {
    method: 'POST',
    url: `${settings.baseUrl}/${DATA_MANAGER_API_VERSION}/events:ingest`,
    // HEX: our identifiers are lowercase hex SHA-256 (lib/leads/hash.ts); required with userData.
    body: { destinations, events, encoding: 'HEX' },
  };
}
