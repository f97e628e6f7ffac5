import * as v from 'valibot';
import { DestinationRejectedError, RetryableError } from '../../../errors';
import { parseRetryAfter } from '../../../http/retry-after';
import { redactMessage } from '../../../observability/redact';
import { DestinationConfigurationError, toReason } from '../../errors';
import type { HttpResponse } from '../../http';
import type { BatchAnswer, RejectedRow } from '../../isolate';
import type { RowOutcome } from '../../types';
import { isMissingScope, parseGoogleError } from '../google-errors';

/**
 * Google Ads API answers (pure). With `partialFailure: true` a 200 carries `partialFailureError`, one
 * GoogleAdsFailure whose errors name their row by `location.fieldPathElements[{index}]` (§1b).
 */

/** Platform-apis.md §1b: duplicates mean the conversion is already there. */
const ALREADY_DONE = new Set([
  'ORDER_ID_ALREADY_IN_USE',
  'CLICK_CONVERSION_ALREADY_EXISTS',
  'DUPLICATE_ORDER_ID',
  // Adjustments: a retraction repeated after a lost answer.
  'CONVERSION_ALREADY_RETRACTED',
]);
/** "Importing again in 6 hours" (ConversionUploadError / ConversionAdjustmentUploadError docs). */
const TOO_RECENT = new Set([
  'TOO_RECENT_EVENT',
  'TOO_RECENT_CONVERSION_ACTION',
  'TOO_RECENT_CONVERSION',
  // An adjustment for a conversion Google has not finished processing yet.
  'CONVERSION_NOT_FOUND',
]);
const TRANSIENT = new Set([
  'TRANSIENT_ERROR',
  'INTERNAL_ERROR',
  'DEADLINE_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'RESOURCE_TEMPORARILY_EXHAUSTED',
  'CONCURRENT_MODIFICATION',
]);
/** Request-level refusals that no row can pass: the account or credentials are wrong. */
const CONFIGURATION = new Set([
  'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE',
  'CUSTOMER_NOT_ENABLED',
  'USER_PERMISSION_DENIED',
  'DEVELOPER_TOKEN_NOT_APPROVED',
  'DEVELOPER_TOKEN_PROHIBITED',
  'CUSTOMER_NOT_FOUND',
  'INVALID_CUSTOMER_ID',
  'NOT_ACTIVE',
  'NO_CONVERSION_ACTION_FOUND',
  'INVALID_CONVERSION_ACTION',
]);

export const TOO_RECENT_RETRY_MS = 6 * 3_600_000;

const FieldPathSchema = v.array(
  v.looseObject({ fieldName: v.optional(v.string()), index: v.optional(v.number()) }),
);
const AdsErrorSchema = v.looseObject({
  errorCode: v.optional(v.record(v.string(), v.unknown())),
  message: v.optional(v.string()),
  location: v.optional(v.looseObject({ fieldPathElements: v.optional(FieldPathSchema) })),
});
const FailureSchema = v.looseObject({
  '@type': v.optional(v.string()),
  errors: v.optional(v.array(AdsErrorSchema)),
  requestId: v.optional(v.string()),
});
const UploadResponseSchema = v.looseObject({
  results: v.optional(v.array(v.unknown())),
  partialFailureError: v.optional(
    v.looseObject({
      code: v.optional(v.number()),
      message: v.optional(v.string()),
      details: v.optional(v.array(FailureSchema)),
    }),
  ),
  jobId: v.optional(v.union([v.string(), v.number()])),
});

export type AdsError = { code: string; message: string; index: number | undefined; field: string };

function codeOf(errorCode: Record<string, unknown> | undefined): string {
  const value = errorCode ? Object.values(errorCode)[0] : undefined;
  return typeof value === 'string' ? value : 'UNKNOWN';
}

function adsErrorsOf(details: readonly unknown[] | undefined): AdsError[] {
  const errors: AdsError[] = [];
  for (const detail of details ?? []) {
    const failure = v.safeParse(FailureSchema, detail);
    if (!failure.success) continue;
    for (const error of failure.output.errors ?? []) {
      const path = error.location?.fieldPathElements ?? [];
      const indexed = path.find((element) => element.index !== undefined);
      errors.push({
        code: codeOf(error.errorCode),
        message: redactMessage(error.message ?? ''),
        index: indexed?.index,
        // Field names only (e.g. `conversions.gclid`), never values.
        field: path
          .map((element) => element.fieldName ?? '')
          .filter(Boolean)
          .join('.'),
      });
    }
  }
  return errors;
}

/** One row's Ads API error as its delivery outcome. */
export function classifyAdsError(error: Pick<AdsError, 'code' | 'message'>): RowOutcome {
  const message = redactMessage(`${error.code}: ${error.message}`);
  if (ALREADY_DONE.has(error.code)) return { kind: 'delivered' };
  if (TOO_RECENT.has(error.code)) {
    return { kind: 'retry', code: error.code, message, retryAfterMs: TOO_RECENT_RETRY_MS };
  }
  if (TRANSIENT.has(error.code)) return { kind: 'retry', code: error.code, message };
  return { kind: 'failed', reason: toReason(error.code), code: error.code, message };
}

export type AdsVerdict = BatchAnswer | { kind: 'unauthenticated' } | { kind: 'error'; error: Error };

export function classifyAdsResponse(response: HttpResponse, rowCount: number, now: number): AdsVerdict {
  const responseId = response.headers.get('request-id') ?? undefined;
  if (response.status >= 200 && response.status < 300) {
    const parsed = v.safeParse(UploadResponseSchema, response.body ?? {});
    if (!parsed.success) {
      return {
        kind: 'error',
        error: new RetryableError('unreadable Google Ads API answer', { code: 'bad_response' }),
      };
    }
    const errors = adsErrorsOf(parsed.output.partialFailureError?.details);
    const rowOutcomes: (RowOutcome | undefined)[] = new Array(rowCount).fill(undefined);
    for (const error of errors) {
      if (error.index === undefined || error.index >= rowCount || rowOutcomes[error.index]) continue;
      rowOutcomes[error.index] = classifyAdsError(error);
    }
    const id = responseId ?? (parsed.output.jobId !== undefined ? String(parsed.output.jobId) : undefined);
    return { kind: 'accepted', ...(id ? { responseId: id } : {}), rowOutcomes };
  }
  if (response.status === 401) return { kind: 'unauthenticated' };
  const googleError = parseGoogleError(response.body);
  const errors = adsErrorsOf(googleError?.details);
  const status = googleError?.status || `HTTP_${response.status}`;
  const message = redactMessage(googleError?.message || `Google Ads API answered ${response.status}`);
  if (
    response.status === 429 ||
    response.status >= 500 ||
    errors.some((error) => TRANSIENT.has(error.code))
  ) {
    return {
      kind: 'error',
      error: new RetryableError(`Google Ads API answered ${response.status} ${status}: ${message}`, {
        code: errors[0]?.code ?? status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now),
      }),
    };
  }
  if (isMissingScope(googleError)) {
    return {
      kind: 'error',
      error: new DestinationConfigurationError(
        'the Google Ads API refused the token: its grant lacks the https://www.googleapis.com/auth/adwords scope; re-authorise GOOGLE_ADS_REFRESH_TOKEN',
        { reason: 'missing_adwords_scope', variables: ['GOOGLE_ADS_REFRESH_TOKEN'] },
      ),
    };
  }
  const configuration = errors.find((error) => CONFIGURATION.has(error.code));
  if (configuration || response.status === 403) {
    const code = configuration?.code ?? status;
    return {
      kind: 'error',
      error: new DestinationConfigurationError(`Google Ads API refused the request (${code}): ${message}`, {
        reason: toReason(code),
        variables: ['GOOGLE_ADS_UPLOAD_API', 'GOOGLE_ADS_CUSTOMER_ID', 'GOOGLE_ADS_LOGIN_CUSTOMER_ID'],
      }),
    };
  }
  const rows: RejectedRow[] = [];
  for (const error of errors) {
    if (error.index === undefined || rows.some((row) => row.index === error.index)) continue;
    rows.push({
      index: error.index,
      code: error.code,
      reason: toReason(error.code),
      message: `${error.field}: ${error.message}`,
    });
  }
  if (response.status === 400 && rows.length > 0) {
    const first = rows[0] as RejectedRow;
    return { kind: 'invalid', rows, code: first.code, reason: first.reason, message: first.message };
  }
  const code = errors[0]?.code ?? status;
  return {
    kind: 'error',
    error: new DestinationRejectedError(`Google Ads API answered ${response.status} ${code}: ${message}`, {
      code,
    }),
  };
}
