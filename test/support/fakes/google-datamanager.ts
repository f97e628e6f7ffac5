import { HEX_SHA256, isJsonObject, type Json, plaintextViolations, RFC3339 } from './contract';
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-server';
import type { GoogleOAuthFake } from './google-oauth';

/**
 * Data Manager API `POST /v1/events:ingest` (platform-apis.md §1a and the REST reference): checks every
 * request against the contract and answers 400 — recording a contract violation — for a wrong one, as
 * the real API's fail-fast model would. Stores conversions the way Google does: one per destination and
 * transactionId, a re-send overwriting value and currency.
 */
export type StoredEvent = { productDestinationId: string; event: Json };
/** IngestEventsResponse.field_warnings (processing_errors.proto FieldWarning). */
export type FieldWarning = { reason: string; description: string; field: string };

/**
 * How Google processed one request, as a test tells it (reasons without `PROCESSING_ERROR_REASON_`, each
 * checked against the proto's ProcessingErrorReason): the fake answers `requestStatus:retrieve` with it.
 */
export type ProcessingOutcome =
  | { status: 'SUCCESS' | 'PROCESSING' }
  | { status: 'FAILED' | 'PARTIAL_SUCCESS'; errors: Record<string, number> };

export type DataManagerFake = FakeServer<'ingest' | 'requestStatus'> & {
  /** Accepted conversions by `<productDestinationId>|<transactionId>` (last write wins). */
  conversions: Map<string, StoredEvent>;
  /** Events accepted in total (before de-duplication). */
  eventsReceived: number;
  /** Events of `validateOnly` requests: validated, never stored. */
  validated: number;
  /** Every field warning answered (non-blocking: Google takes the request and ignores the field). */
  fieldWarnings: FieldWarning[];
  /** Events matching `predicate` make their request fail with 400, as a bad row does. */
  rejectEvents(
    predicate: (event: Json) => boolean,
    options?: { fieldPaths?: boolean; reason?: string },
  ): void;
  /** Answer 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT (a refresh token minted without the datamanager scope). */
  requireScope(missing: boolean): void;
  /** The requestIds accepted so far, in order, with the events each carried. */
  ingested: { requestId: string; events: number }[];
  /** How Google processed `requestId` (default: `defaultOutcome`). */
  setOutcome(requestId: string, outcome: ProcessingOutcome): void;
  /** The outcome of every request not given one (SUCCESS unless set). */
  defaultOutcome: ProcessingOutcome;
};

/** google/ads/datamanager/v1/processing_errors.proto ProcessingErrorReason (without its prefix). */
export const PROCESSING_ERROR_REASONS = new Set([
  'INVALID_CUSTOM_VARIABLE',
  'CUSTOM_VARIABLE_NOT_ENABLED',
  'EVENT_TOO_OLD',
  'DENIED_CONSENT',
  'NO_CONSENT',
  'UNKNOWN_CONSENT',
  'DUPLICATE_GCLID',
  'DUPLICATE_TRANSACTION_ID',
  'INVALID_GBRAID',
  'INVALID_GCLID',
  'INVALID_MERCHANT_ID',
  'INVALID_WBRAID',
  'INTERNAL_ERROR',
  'DESTINATION_ACCOUNT_ENHANCED_CONVERSIONS_TERMS_NOT_SIGNED',
  'INVALID_EVENT',
  'INSUFFICIENT_MATCHED_TRANSACTIONS',
  'INSUFFICIENT_TRANSACTIONS',
  'INVALID_FORMAT',
  'DECRYPTION_ERROR',
  'DEK_DECRYPTION_ERROR',
  'INVALID_WIP',
  'INVALID_KEK',
  'WIP_AUTH_FAILED',
  'KEK_PERMISSION_DENIED',
  'AWS_AUTH_FAILED',
  'USER_IDENTIFIER_DECRYPTION_ERROR',
  'ONE_PER_CLICK_CONVERSION_ACTION_NOT_PERMITTED_WITH_BRAID',
  'MATCH_ID_NOT_FOUND',
  'USER_ID_NOT_FOUND_FOR_MATCH_ID',
  'USER_ID_NOT_FOUND_FOR_GCLID',
  'USER_ID_NOT_FOUND_FOR_DCLID',
  'INVALID_AD_IDENTIFIERS',
  'INVALID_MOBILE_ID_FORMAT',
  'ORIGINAL_CONVERSIONS_NOT_FOUND',
  'EVENT_ID_DECODE_ERROR',
  'USER_ID_NOT_FOUND_FOR_IMPRESSION_ID',
  'USER_ID_NOT_FOUND',
  'CONVERSION_PRECEDES_CLICK',
  'TOO_RECENT_CLICK',
  'INVALID_CLICK',
  'INVALID_OPERATING_ACCOUNT_FOR_CLICK',
  'CLICK_NOT_FOUND',
  'EXTERNAL_ATTRIBUTION_DATA_MISSING',
]);

function googleError(code: number, status: string, message: string): FakeAnswer {
  return { status: code, body: { error: { code, message, status } } };
}

type IngestedRequest = { destinations: Json[]; events: Json[]; outcome?: ProcessingOutcome };

/**
 * RetrieveRequestStatusResponse (ingestion_service.proto, request_status_per_destination.proto): one
 * RequestStatusPerDestination per destination of the request, in the request's order; int64 counts as JSON
 * strings; errorInfo only for FAILED / PARTIAL_SUCCESS, nothing but the status while PROCESSING.
 */
function requestStatusBody(request: IngestedRequest, outcome: ProcessingOutcome): Json {
  return {
    requestStatusPerDestination: request.destinations.map((destination, index) => {
      const events = request.events.filter((event) => {
        const references = event.destinationReferences as string[] | undefined;
        return references === undefined || references.includes(String(destination.reference));
      }).length;
      const entry: Json = { destination, requestStatus: outcome.status };
      if (outcome.status === 'PROCESSING') return entry;
      if (outcome.status === 'FAILED' || outcome.status === 'PARTIAL_SUCCESS') {
        // The counts go on the first destination: the fake does not split them by destination.
        entry.errorInfo = {
          errorCounts:
            index === 0
              ? Object.entries(outcome.errors).map(([reason, count]) => ({
                  recordCount: String(count),
                  reason: `PROCESSING_ERROR_REASON_${reason}`,
                }))
              : [],
        };
      }
      entry.warningInfo = { warningCounts: [] };
      entry.eventsIngestionStatus = { recordCount: String(events) };
      return entry;
    }),
  };
}

const REQUEST_KEYS = new Set([
  'destinations',
  'events',
  'consent',
  'validateOnly',
  'encoding',
  'encryptionInfo',
]);
const DESTINATION_KEYS = new Set([
  'reference',
  'loginAccount',
  'linkedAccount',
  'operatingAccount',
  'productDestinationId',
]);
/** Event's fields in google/ads/datamanager/v1/event.proto (proto3 JSON names). */
const EVENT_KEYS = new Set([
  'destinationReferences',
  'transactionId',
  'eventTimestamp',
  'lastUpdatedTimestamp',
  'userData',
  'consent',
  'adIdentifiers',
  'currency',
  'conversionValue',
  'conversionCount',
  'eventSource',
  'eventDeviceInfo',
  'cartData',
  'customVariables',
  'experimentalFields',
  'userProperties',
  'eventName',
  'clientId',
  'userId',
  'additionalEventParameters',
  'thirdPartyUserData',
  'eventLocation',
  'appInstanceId',
]);
const EVENT_SOURCES = new Set(['WEB', 'APP', 'IN_STORE', 'PHONE', 'OTHER']);
const CONSENT = new Set(['CONSENT_GRANTED', 'CONSENT_DENIED', 'CONSENT_STATUS_UNSPECIFIED']);

function checkAccount(account: unknown, expectedId: string, path: string, problems: string[]) {
  if (!isJsonObject(account)) {
    problems.push(`${path}: missing`);
    return;
  }
  if (account.accountId !== expectedId) problems.push(`${path}.accountId: expected ${expectedId}`);
  if (account.accountType !== 'GOOGLE_ADS') problems.push(`${path}.accountType: must be GOOGLE_ADS`);
}

const CART_KEYS = new Set([
  'merchantId',
  'merchantFeedLabel',
  'merchantFeedLanguageCode',
  'transactionDiscount',
  'items',
  'couponCodes',
]);
/** Item's fields in cart_data.proto; every one optional. */
const ITEM_KEYS = new Set([
  'merchantProductId',
  'quantity',
  'unitPrice',
  'itemId',
  'additionalItemParameters',
  'merchantId',
  'merchantFeedLabel',
  'merchantFeedLanguageCode',
  'conversionValue',
  'customVariables',
]);

/** proto3 JSON: an int64 is a decimal string (or a number); a double is a number. */
const isInt64 = (value: unknown) =>
  (typeof value === 'string' && /^-?\d+$/.test(value)) || Number.isInteger(value);
const isString = (value: unknown) => typeof value === 'string';

/**
 * CartData / Item of cart_data.proto. Every field is optional there; what Google only warns about (an item
 * without merchantProductId or unitPrice) is a FieldWarning, as the API answers it, not a refusal.
 */
function checkCartData(cart: unknown, path: string, problems: string[], warnings: FieldWarning[]) {
  if (!isJsonObject(cart)) {
    problems.push(`${path}: not an object`);
    return;
  }
  for (const key of Object.keys(cart))
    if (!CART_KEYS.has(key)) problems.push(`${path}.${key}: unknown field`);
  for (const key of ['merchantId', 'merchantFeedLabel', 'merchantFeedLanguageCode'])
    if (cart[key] !== undefined && !isString(cart[key])) problems.push(`${path}.${key}: string`);
  if (cart.transactionDiscount !== undefined && typeof cart.transactionDiscount !== 'number')
    problems.push(`${path}.transactionDiscount: number`);
  if (
    cart.couponCodes !== undefined &&
    (!Array.isArray(cart.couponCodes) || !cart.couponCodes.every(isString))
  )
    problems.push(`${path}.couponCodes: array of strings`);
  if (cart.items === undefined) return;
  if (!Array.isArray(cart.items)) {
    problems.push(`${path}.items: array`);
    return;
  }
  cart.items.forEach((item, index) => {
    const at = `${path}.items[${index}]`;
    if (!isJsonObject(item)) {
      problems.push(`${at}: not an object`);
      return;
    }
    for (const key of Object.keys(item))
      if (!ITEM_KEYS.has(key)) problems.push(`${at}.${key}: unknown field`);
    for (const key of [
      'merchantProductId',
      'itemId',
      'merchantId',
      'merchantFeedLabel',
      'merchantFeedLanguageCode',
    ])
      if (item[key] !== undefined && !isString(item[key])) problems.push(`${at}.${key}: string`);
    if (item.quantity !== undefined && !isInt64(item.quantity)) problems.push(`${at}.quantity: int64`);
    for (const key of ['unitPrice', 'conversionValue'])
      if (item[key] !== undefined && typeof item[key] !== 'number') problems.push(`${at}.${key}: number`);
    if (item.merchantProductId === undefined || item.merchantProductId === '')
      warnings.push({
        reason: 'WARNING_REASON_CART_DATA_ITEM_MERCHANT_PRODUCT_ID_MISSING',
        description: 'The merchant product ID is missing in the cart item.',
        field: `${at}.merchant_product_id`,
      });
    if (item.unitPrice === undefined)
      warnings.push({
        reason: 'WARNING_REASON_CART_DATA_ITEM_UNIT_PRICE_MISSING',
        description: 'The unit price is missing in the cart item.',
        field: `${at}.unit_price`,
      });
  });
}

function checkEvent(
  event: unknown,
  path: string,
  references: Set<string>,
  multiDestination: boolean,
  problems: string[],
  warnings: FieldWarning[],
) {
  if (!isJsonObject(event)) {
    problems.push(`${path}: not an object`);
    return;
  }
  for (const key of Object.keys(event))
    if (!EVENT_KEYS.has(key)) problems.push(`${path}.${key}: unknown field`);
  if (event.destinationReferences !== undefined) {
    if (
      !Array.isArray(event.destinationReferences) ||
      event.destinationReferences.some((ref) => !references.has(ref))
    ) {
      problems.push(`${path}.destinationReferences: names no destination of the request`);
    }
  } else if (multiDestination) {
    problems.push(`${path}.destinationReferences: missing, the event would go to every destination`);
  }
  if (typeof event.transactionId !== 'string' || event.transactionId === '')
    problems.push(`${path}.transactionId: required`);
  if (typeof event.eventTimestamp !== 'string' || !RFC3339.test(event.eventTimestamp)) {
    problems.push(`${path}.eventTimestamp: must be RFC 3339`);
  }
  if (event.lastUpdatedTimestamp !== undefined && !RFC3339.test(String(event.lastUpdatedTimestamp))) {
    problems.push(`${path}.lastUpdatedTimestamp: must be RFC 3339`);
  }
  if (event.eventSource !== undefined && !EVENT_SOURCES.has(String(event.eventSource))) {
    problems.push(`${path}.eventSource: invalid enum`);
  }
  if (
    event.conversionValue !== undefined &&
    (typeof event.conversionValue !== 'number' || event.conversionValue < 0)
  ) {
    problems.push(`${path}.conversionValue: must be a non-negative number`);
  }
  if (event.currency !== undefined && !/^[A-Z]{3}$/.test(String(event.currency)))
    problems.push(`${path}.currency: ISO 4217`);
  if (event.adIdentifiers !== undefined) {
    if (!isJsonObject(event.adIdentifiers)) problems.push(`${path}.adIdentifiers: not an object`);
    else {
      const clickIds = ['gclid', 'gbraid', 'wbraid'].filter(
        (key) => (event.adIdentifiers as Json)[key] !== undefined,
      );
      if (clickIds.length > 1)
        problems.push(`${path}.adIdentifiers: more than one click id (${clickIds.join('+')})`);
      for (const key of clickIds) {
        const value = (event.adIdentifiers as Json)[key];
        if (typeof value !== 'string' || value === '') problems.push(`${path}.adIdentifiers.${key}: empty`);
      }
    }
  }
  if (event.cartData !== undefined) {
    checkCartData(event.cartData, `${path}.cartData`, problems, warnings);
    const adIdentifiers = isJsonObject(event.adIdentifiers) ? event.adIdentifiers : {};
    if (adIdentifiers.gbraid !== undefined || adIdentifiers.wbraid !== undefined)
      warnings.push({
        reason: 'WARNING_REASON_CART_DATA_NOT_SUPPORTED_WITH_GBRAID_OR_WBRAID',
        description: 'The cart data is not supported with gbraid or wbraid.',
        field: `${path}.cart_data`,
      });
  }
  if (event.userData !== undefined) {
    const identifiers = isJsonObject(event.userData) ? event.userData.userIdentifiers : undefined;
    if (!Array.isArray(identifiers) || identifiers.length === 0 || identifiers.length > 10) {
      problems.push(`${path}.userData.userIdentifiers: 1 to 10 required`);
    } else {
      identifiers.forEach((identifier, index) => {
        const at = `${path}.userData.userIdentifiers[${index}]`;
        if (!isJsonObject(identifier) || Object.keys(identifier).length !== 1) {
          problems.push(`${at}: exactly one identifier`);
          return;
        }
        if ('emailAddress' in identifier && !HEX_SHA256.test(String(identifier.emailAddress)))
          problems.push(`${at}.emailAddress: hex SHA-256`);
        if ('phoneNumber' in identifier && !HEX_SHA256.test(String(identifier.phoneNumber)))
          problems.push(`${at}.phoneNumber: hex SHA-256`);
        if ('address' in identifier) {
          const address = identifier.address as Json;
          if (!HEX_SHA256.test(String(address?.givenName)) || !HEX_SHA256.test(String(address?.familyName))) {
            problems.push(`${at}.address: given and family name must be hex SHA-256`);
          }
          if (!/^[A-Z]{2}$/.test(String(address?.regionCode)))
            problems.push(`${at}.address.regionCode: ISO-2`);
          if (
            typeof address?.postalCode !== 'string' ||
            address.postalCode === '' ||
            HEX_SHA256.test(address.postalCode)
          ) {
            problems.push(`${at}.address.postalCode: required, not hashed`);
          }
        }
        if (!['emailAddress', 'phoneNumber', 'address'].some((key) => key in identifier))
          problems.push(`${at}: unknown identifier`);
      });
    }
  }
  if (event.consent !== undefined) {
    const consent = event.consent as Json;
    for (const key of Object.keys(consent ?? {})) {
      if (!['adUserData', 'adPersonalization'].includes(key) || !CONSENT.has(String(consent[key]))) {
        problems.push(`${path}.consent.${key}: invalid`);
      }
    }
  }
  if (event.adIdentifiers === undefined && event.userData === undefined)
    problems.push(`${path}: no click id and no user data`);
}

export function checkIngestContract(
  request: FakeRequest,
  options: { customerId: string; loginCustomerId?: string; productDestinationIds: string[] },
  warnings: FieldWarning[] = [],
): string[] {
  const problems: string[] = [];
  if (request.method !== 'POST') problems.push(`method ${request.method}`);
  if (request.path !== '/v1/events:ingest') problems.push(`path ${request.path}`);
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
    problems.push('content-type must be JSON');
  if (request.headers['developer-token'] !== undefined)
    problems.push('Data Manager takes no developer-token header');
  const body = request.body;
  if (!isJsonObject(body)) return [...problems, 'body: not a JSON object'];
  for (const key of Object.keys(body))
    if (!REQUEST_KEYS.has(key)) problems.push(`${key}: unknown request field`);
  // IngestEventsRequest.validate_only is a bool (ingestion_service.proto).
  if (body.validateOnly !== undefined && typeof body.validateOnly !== 'boolean')
    problems.push('validateOnly: must be a boolean');
  const destinations = Array.isArray(body.destinations) ? body.destinations : [];
  if (destinations.length < 1 || destinations.length > 10) problems.push('destinations: 1 to 10 required');
  const references = new Set<string>();
  destinations.forEach((destination, index) => {
    const path = `destinations[${index}]`;
    if (!isJsonObject(destination)) {
      problems.push(`${path}: not an object`);
      return;
    }
    for (const key of Object.keys(destination))
      if (!DESTINATION_KEYS.has(key)) problems.push(`${path}.${key}: unknown field`);
    checkAccount(destination.operatingAccount, options.customerId, `${path}.operatingAccount`, problems);
    if (options.loginCustomerId)
      checkAccount(destination.loginAccount, options.loginCustomerId, `${path}.loginAccount`, problems);
    else if (destination.loginAccount !== undefined) problems.push(`${path}.loginAccount: not configured`);
    if (!options.productDestinationIds.includes(String(destination.productDestinationId))) {
      problems.push(`${path}.productDestinationId: unknown conversion action`);
    }
    if (typeof destination.reference === 'string') {
      if (references.has(destination.reference)) problems.push(`${path}.reference: not unique`);
      references.add(destination.reference);
    }
  });
  const events = Array.isArray(body.events) ? body.events : [];
  if (events.length < 1 || events.length > 2000)
    problems.push(`events: 1 to 2,000 required (got ${events.length})`);
  if (
    events.some((event) => isJsonObject(event) && event.userData !== undefined) &&
    body.encoding !== 'HEX'
  ) {
    problems.push('encoding: HEX required with hashed userData');
  }
  events.forEach((event, index) => {
    checkEvent(event, `events[${index}]`, references, destinations.length > 1, problems, warnings);
  });
  problems.push(...plaintextViolations(body));
  return problems;
}

function badRequest(
  message: string,
  fieldViolations: { field: string; description: string; reason?: string }[],
): FakeAnswer {
  return {
    status: 400,
    body: {
      error: {
        code: 400,
        message,
        status: 'INVALID_ARGUMENT',
        details: [
          ...(fieldViolations.length > 0
            ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations }]
            : []),
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: fieldViolations[0]?.reason ?? 'INVALID_ARGUMENT',
            domain: 'datamanager.googleapis.com',
          },
        ],
      },
    },
  };
}

export async function createDataManagerFake(options: {
  oauth: GoogleOAuthFake;
  customerId: string;
  loginCustomerId?: string;
  productDestinationIds: string[];
}): Promise<DataManagerFake> {
  const conversions = new Map<string, StoredEvent>();
  const rejections: { predicate: (event: Json) => boolean; fieldPaths: boolean; reason: string }[] = [];
  let scopeMissing = false;
  let requestCount = 0;
  const ingested = new Map<string, IngestedRequest>();
  const server = await startFakeServer<'ingest' | 'requestStatus'>({
    name: 'Data Manager',
    route: (request) =>
      request.path === '/v1/events:ingest'
        ? 'ingest'
        : request.path === '/v1/requestStatus:retrieve'
          ? 'requestStatus'
          : undefined,
    refusal: (message) => badRequest(message, []),
    handle: (request, contract) => {
      if (request.route === 'requestStatus') {
        // GET /v1/requestStatus:retrieve (google.api.http get), RetrieveRequestStatusRequest{request_id}.
        if (request.method !== 'GET') return contract.refuse(`${request.method}: must be GET`);
        if (!/^Bearer \S+$/.test(String(request.headers.authorization ?? '')))
          contract.violation('no bearer token');
        if (!options.oauth.isValid(request.headers.authorization)) {
          return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
        }
        // Google refuses an unknown query parameter ("Unknown name") with 400.
        for (const name of request.query.keys())
          if (name !== 'requestId') return contract.refuse(`query ${name}: unknown parameter`);
        if (request.rawBody !== '') contract.violation('a GET carries no body');
        const requestId = request.query.get('requestId');
        if (!requestId) return contract.refuse('requestId: required');
        const found = ingested.get(requestId);
        if (!found) {
          contract.violation(`requestId ${requestId}: no such request`);
          return googleError(404, 'NOT_FOUND', 'Request not found.');
        }
        const outcome = found.outcome ?? fake.defaultOutcome;
        return { status: 200, body: requestStatusBody(found, outcome) };
      }
      if (request.method !== 'POST') return contract.refuse(`${request.method}: must be POST`);
      if (request.headers.authorization === undefined) contract.violation('no Authorization header');
      if (!options.oauth.isValid(request.headers.authorization)) {
        return {
          status: 401,
          body: {
            error: {
              code: 401,
              message: 'Request had invalid authentication credentials.',
              status: 'UNAUTHENTICATED',
            },
          },
        };
      }
      if (scopeMissing) {
        return {
          status: 403,
          body: {
            error: {
              code: 403,
              message: 'Request had insufficient authentication scopes.',
              status: 'PERMISSION_DENIED',
              details: [
                {
                  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                  reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
                  domain: 'googleapis.com',
                },
              ],
            },
          },
        };
      }
      const warnings: FieldWarning[] = [];
      const problems = checkIngestContract(request, options, warnings);
      if (problems.length > 0) {
        for (const problem of problems) contract.violation(problem);
        return badRequest(
          'Request contains an invalid argument.',
          problems.map((problem) => ({
            field: problem.split(':')[0] as string,
            description: 'contract violation',
          })),
        );
      }
      const body = request.body as { destinations: Json[]; events: Json[] };
      const rejected: { field: string; description: string; reason: string }[] = [];
      let unnamed = false;
      body.events.forEach((event, index) => {
        const rule = rejections.find((candidate) => candidate.predicate(event));
        if (!rule) return;
        if (rule.fieldPaths)
          rejected.push({
            field: `events[${index}].ad_identifiers.gclid`,
            description: 'The gclid is malformed.',
            reason: rule.reason,
          });
        else unnamed = true;
      });
      if (rejected.length > 0 || unnamed)
        return badRequest('Request contains an invalid argument.', rejected);
      // validate_only: "the request is validated but not executed. Only errors are returned, not results."
      if ((request.body as Json).validateOnly === true) {
        fake.validated += body.events.length;
        return { status: 200, body: {} };
      }
      for (const event of body.events) {
        const references =
          (event.destinationReferences as string[] | undefined) ??
          body.destinations.map((d) => String(d.reference));
        for (const reference of references) {
          const destination = body.destinations.find((candidate) => candidate.reference === reference);
          const productDestinationId = String(destination?.productDestinationId);
          conversions.set(`${productDestinationId}|${event.transactionId}`, { productDestinationId, event });
        }
      }
      fake.eventsReceived += body.events.length;
      requestCount++;
      const requestId = `dm-request-${requestCount}`;
      ingested.set(requestId, { destinations: body.destinations, events: body.events });
      fake.ingested.push({ requestId, events: body.events.length });
      fake.fieldWarnings.push(...warnings);
      return {
        status: 200,
        body: { requestId, ...(warnings.length > 0 ? { fieldWarnings: warnings } : {}) },
      };
    },
  });
  const fake: DataManagerFake = {
    ...server,
    conversions,
    eventsReceived: 0,
    validated: 0,
    fieldWarnings: [],
    rejectEvents(predicate, rule = {}) {
      rejections.push({
        predicate,
        fieldPaths: rule.fieldPaths ?? true,
        reason: rule.reason ?? 'INVALID_FORMAT',
      });
    },
    requireScope(missing) {
      scopeMissing = missing;
    },
    ingested: [],
    defaultOutcome: { status: 'SUCCESS' },
    setOutcome(requestId, outcome) {
      if ('errors' in outcome) {
        for (const reason of Object.keys(outcome.errors)) {
          if (!PROCESSING_ERROR_REASONS.has(reason))
            throw new Error(`fake: ${reason} is no ProcessingErrorReason`);
        }
      }
      const found = ingested.get(requestId);
      if (!found) throw new Error(`fake: no request ${requestId} was ingested`);
      found.outcome = outcome;
    },
  };
  return fake;
}
