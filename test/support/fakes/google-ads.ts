import { HEX_SHA256, isJsonObject, type Json, plaintextViolations } from './contract';
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-server';
import type { GoogleOAuthFake } from './google-oauth';

/**
 * Google Ads API `uploadClickConversions` / `uploadConversionAdjustments` (platform-apis.md §1b) with
 * partial failure: each row succeeds or fails alone and a failed row is named by
 * `location.fieldPathElements[{fieldName, index}]`. Conversions are kept per conversion action and order
 * ID, as Google does; a repeat answers CLICK_CONVERSION_ALREADY_EXISTS.
 */
export type AdsConversion = {
  conversionAction: string;
  orderId: string;
  value: number;
  currency: string;
  conversionDateTime: string;
  retracted: boolean;
  adjustments: Json[];
};

/** The two upload operations, one route each. */
export type GoogleAdsRoute = 'conversions' | 'adjustments';

export type GoogleAdsFake = FakeServer<GoogleAdsRoute> & {
  conversions: Map<string, AdsConversion>;
  /** Rows matching `predicate` fail with this Google Ads error code (a partial failure). */
  failRows(predicate: (row: Json) => boolean, code: string, times?: number): void;
};

const ADS_DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

function parseAdsDateTime(value: string): number {
  return Date.parse(value.replace(' ', 'T'));
}

function checkHeaders(
  request: FakeRequest,
  options: { loginCustomerId?: string; developerToken?: string },
  problems: string[],
) {
  const login = request.headers['login-customer-id'];
  if (options.loginCustomerId ? login !== options.loginCustomerId : login !== undefined) {
    problems.push(`login-customer-id header: expected ${options.loginCustomerId ?? 'none'}`);
  }
  const developerToken = request.headers['developer-token'];
  if (options.developerToken ? developerToken !== options.developerToken : developerToken !== undefined) {
    problems.push('developer-token header: sent only when configured');
  }
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
    problems.push('content-type must be JSON');
}

function checkConversion(row: unknown, path: string, customerId: string, problems: string[]) {
  if (!isJsonObject(row)) {
    problems.push(`${path}: not an object`);
    return;
  }
  const clickIds = ['gclid', 'gbraid', 'wbraid'].filter((key) => row[key] !== undefined);
  if (clickIds.length > 1) problems.push(`${path}: ${clickIds.join('+')} (GBRAID_WBRAID_BOTH_SET)`);
  if (!new RegExp(`^customers/${customerId}/conversionActions/\\d+$`).test(String(row.conversionAction))) {
    problems.push(`${path}.conversionAction: must be customers/${customerId}/conversionActions/<id>`);
  }
  if (!ADS_DATE_TIME.test(String(row.conversionDateTime)))
    problems.push(`${path}.conversionDateTime: yyyy-mm-dd hh:mm:ss+hh:mm`);
  if (typeof row.orderId !== 'string' || row.orderId === '') problems.push(`${path}.orderId: required`);
  // ClickConversion (google/ads/googleads/v26/services/conversion_upload_service.proto): conversion_value and
  // currency_code are `optional`; without them the conversion action's default value counts. Both or neither.
  if (row.currencyCode !== undefined || row.conversionValue !== undefined) {
    if (!/^[A-Z]{3}$/.test(String(row.currencyCode))) problems.push(`${path}.currencyCode: ISO 4217`);
    if (typeof row.conversionValue !== 'number') problems.push(`${path}.conversionValue: number`);
  }
  const identifiers = row.userIdentifiers;
  if (identifiers !== undefined) {
    if (!Array.isArray(identifiers) || identifiers.length > 5)
      problems.push(`${path}.userIdentifiers: at most 5`);
    else {
      identifiers.forEach((identifier, index) => {
        const keys = isJsonObject(identifier) ? Object.keys(identifier) : [];
        if (keys.length !== 1 || !['hashedEmail', 'hashedPhoneNumber'].includes(keys[0] as string)) {
          problems.push(`${path}.userIdentifiers[${index}]: hashedEmail or hashedPhoneNumber only`);
        } else if (!HEX_SHA256.test(String((identifier as Json)[keys[0] as string]))) {
          problems.push(`${path}.userIdentifiers[${index}]: hex SHA-256`);
        }
      });
    }
  }
  if (clickIds.length === 0 && identifiers === undefined)
    problems.push(`${path}: no click id and no user identifiers`);
  if (row.cartData !== undefined) {
    const cart = row.cartData as Json;
    if (!/^\d+$/.test(String(cart.merchantId))) problems.push(`${path}.cartData.merchantId: int64 required`);
    const items = cart.items;
    if (
      !Array.isArray(items) ||
      items.some(
        (item) =>
          !isJsonObject(item) ||
          typeof item.productId !== 'string' ||
          !Number.isInteger(item.quantity) ||
          typeof item.unitPrice !== 'number',
      )
    ) {
      problems.push(`${path}.cartData.items: {productId, quantity (int32), unitPrice}`);
    }
  }

  if (row.consent !== undefined) {
    const consent = row.consent as Json;
    if (
      Object.keys(consent).some((key) => key !== 'adUserData') ||
      !['GRANTED', 'DENIED', 'UNKNOWN'].includes(String(consent.adUserData))
    ) {
      problems.push(`${path}.consent: adUserData GRANTED|DENIED|UNKNOWN only`);
    }
  }
}

function checkAdjustment(row: unknown, path: string, customerId: string, problems: string[]) {
  if (!isJsonObject(row)) {
    problems.push(`${path}: not an object`);
    return;
  }
  if (!new RegExp(`^customers/${customerId}/conversionActions/\\d+$`).test(String(row.conversionAction))) {
    problems.push(`${path}.conversionAction: resource name`);
  }
  if (!['RETRACTION', 'RESTATEMENT'].includes(String(row.adjustmentType)))
    problems.push(`${path}.adjustmentType`);
  if (!ADS_DATE_TIME.test(String(row.adjustmentDateTime)))
    problems.push(`${path}.adjustmentDateTime: format`);
  if (typeof row.orderId !== 'string' || row.orderId === '') problems.push(`${path}.orderId: required`);
  if (row.adjustmentType === 'RESTATEMENT') {
    const value = row.restatementValue as Json | undefined;
    if (typeof value?.adjustedValue !== 'number' || !/^[A-Z]{3}$/.test(String(value?.currencyCode))) {
      problems.push(`${path}.restatementValue: adjustedValue and currencyCode required`);
    }
  } else if (row.restatementValue !== undefined)
    problems.push(`${path}.restatementValue: only for RESTATEMENT`);
}

function rowError(field: string, index: number, code: string, group: string): Json {
  const errorGroup =
    code.startsWith('CONVERSION_ALREADY') ||
    code.includes('ADJUSTMENT') ||
    code === 'CONVERSION_NOT_FOUND' ||
    code === 'TOO_RECENT_CONVERSION'
      ? 'conversionAdjustmentUploadError'
      : group;
  return {
    errorCode: { [errorGroup]: code },
    message: `Row error ${code}.`,
    location: { fieldPathElements: [{ fieldName: field, index }, { fieldName: 'order_id' }] },
  };
}

export async function createGoogleAdsFake(options: {
  oauth: GoogleOAuthFake;
  customerId: string;
  loginCustomerId?: string;
  developerToken?: string;
  apiVersion?: string;
}): Promise<GoogleAdsFake> {
  const version = options.apiVersion ?? 'v26';
  const conversions = new Map<string, AdsConversion>();
  const injected: { predicate: (row: Json) => boolean; code: string; remaining: number }[] = [];
  let requestCount = 0;
  const conversionsPath = `/${version}/customers/${options.customerId}:uploadClickConversions`;
  const adjustmentsPath = `/${version}/customers/${options.customerId}:uploadConversionAdjustments`;

  const injectedError = (row: Json): string | undefined => {
    const rule = injected.find((candidate) => candidate.remaining > 0 && candidate.predicate(row));
    if (!rule) return undefined;
    rule.remaining--;
    return rule.code;
  };

  const server = await startFakeServer<GoogleAdsRoute>({
    name: 'Google Ads',
    route: (request) => {
      if (request.path === conversionsPath) return 'conversions';
      return request.path === adjustmentsPath ? 'adjustments' : undefined;
    },
    refusal: (message) => ({
      status: 400,
      body: { error: { code: 400, status: 'INVALID_ARGUMENT', message } },
    }),
    handle: (request, contract): FakeAnswer => {
      if (request.method !== 'POST') return contract.refuse('uploads are POST');
      if (request.headers.authorization === undefined) contract.violation('no Authorization header');
      if (!options.oauth.isValid(request.headers.authorization)) {
        return {
          status: 401,
          body: {
            error: {
              code: 401,
              status: 'UNAUTHENTICATED',
              message: 'Request had invalid authentication credentials.',
            },
          },
        };
      }
      const problems: string[] = [];
      checkHeaders(request, options, problems);
      const body = request.body as Json | undefined;
      const adjustments = request.route === 'adjustments';
      const field = adjustments ? 'conversion_adjustments' : 'conversions';
      const rows = (adjustments ? body?.conversionAdjustments : body?.conversions) as unknown[] | undefined;
      if (!isJsonObject(body) || !Array.isArray(rows) || rows.length === 0 || rows.length > 2000) {
        problems.push('body: 1 to 2,000 operations required');
      } else {
        if (body.partialFailure !== true) problems.push('partialFailure: must be true');
        rows.forEach((row, index) => {
          if (adjustments) checkAdjustment(row, `${field}[${index}]`, options.customerId, problems);
          else checkConversion(row, `${field}[${index}]`, options.customerId, problems);
        });
      }
      problems.push(...plaintextViolations(body));
      if (problems.length > 0) {
        for (const problem of problems) contract.violation(problem);
        return {
          status: 400,
          body: { error: { code: 400, status: 'INVALID_ARGUMENT', message: problems[0] } },
        };
      }
      requestCount++;
      const errors: Json[] = [];
      const results = (rows as Json[]).map((row, index) => {
        const key = `${row.conversionAction}|${row.orderId}`;
        const code = injectedError(row);
        if (code) {
          errors.push(rowError(field, index, code, 'conversionUploadError'));
          return {};
        }
        if (!adjustments) {
          if (conversions.has(key)) {
            errors.push(rowError(field, index, 'CLICK_CONVERSION_ALREADY_EXISTS', 'conversionUploadError'));
            return {};
          }
          conversions.set(key, {
            conversionAction: String(row.conversionAction),
            orderId: String(row.orderId),
            value: Number(row.conversionValue),
            currency: String(row.currencyCode),
            conversionDateTime: String(row.conversionDateTime),
            retracted: false,
            adjustments: [],
          });
          return { conversionAction: row.conversionAction, orderId: row.orderId };
        }
        const conversion = conversions.get(key);
        if (!conversion) {
          errors.push(rowError(field, index, 'CONVERSION_NOT_FOUND', 'conversionAdjustmentUploadError'));
          return {};
        }
        if (conversion.retracted) {
          errors.push(
            rowError(field, index, 'CONVERSION_ALREADY_RETRACTED', 'conversionAdjustmentUploadError'),
          );
          return {};
        }
        const at = parseAdsDateTime(String(row.adjustmentDateTime));
        const previous = conversion.adjustments.at(-1);
        if (at <= parseAdsDateTime(conversion.conversionDateTime)) {
          errors.push(
            rowError(field, index, 'ADJUSTMENT_PRECEDES_CONVERSION', 'conversionAdjustmentUploadError'),
          );
          return {};
        }
        if (previous && at <= parseAdsDateTime(String(previous.adjustmentDateTime))) {
          errors.push(
            rowError(field, index, 'MORE_RECENT_RESTATEMENT_FOUND', 'conversionAdjustmentUploadError'),
          );
          return {};
        }
        conversion.adjustments.push(row);
        if (row.adjustmentType === 'RETRACTION') conversion.retracted = true;
        else {
          const value = row.restatementValue as Json;
          conversion.value = Number(value.adjustedValue);
          conversion.currency = String(value.currencyCode);
        }
        return { conversionAction: row.conversionAction, orderId: row.orderId };
      });
      return {
        status: 200,
        headers: { 'request-id': `ads-request-${requestCount}` },
        body: {
          results,
          ...(errors.length > 0
            ? {
                partialFailureError: {
                  code: 3,
                  message: 'Multiple errors in details.',
                  details: [
                    {
                      '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
                      errors,
                      requestId: `ads-request-${requestCount}`,
                    },
                  ],
                },
              }
            : {}),
          ...(adjustments ? {} : { jobId: String(requestCount) }),
        },
      };
    },
  });
  return {
    ...server,
    conversions,
    failRows(predicate, code, times = Number.POSITIVE_INFINITY) {
      injected.push({ predicate, code, remaining: times });
    },
  };
}
