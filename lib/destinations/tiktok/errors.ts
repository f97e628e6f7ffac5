import * as v from 'valibot';
import { DestinationRejectedError, RetryableError } from '../../errors';
import { parseRetryAfter } from '../../http/retry-after';
import { redactMessage } from '../../observability/redact';
import { DestinationConfigurationError, toReason } from '../errors';
import type { HttpResponse } from '../http';
import type { BatchAnswer } from '../isolate';

/**
 * TikTok Business API answers (pure): `{code, message, request_id, data}`, HTTP 200 even for most errors;
 * `code: 0` is success. The codes below are the Business API's return codes as public integrations use
 * them (TikTok's own code table could not be checked from here, so only these are singled out):
 * - 40100: too many requests (QPS/QPM/QPD limit) → retried, not before a minute;
 * - 5xxxx: TikTok's internal or system errors → retried;
 * - 40104 / 40105: access token missing, invalid or revoked → a configuration error naming the variable;
 * - 40001: no permission for the pixel → a configuration error;
 * - 40002: invalid parameter, which one bad event causes for the whole request → the batch is halved
 *   until the bad event stands alone, as for Meta;
 * - anything else → `failed:<code>`.
 * HTTP 429 and 5xx without a body are retried as for every platform.
 */
const AnswerSchema = v.looseObject({
  code: v.number(),
  message: v.optional(v.string()),
  request_id: v.optional(v.string()),
});

export const TIKTOK_RATE_LIMIT_CODES = new Set([40100]);
const TOKEN_CODES = new Set([40104, 40105]);
const NO_PERMISSION = 40001;
const INVALID_PARAMETER = 40002;
/** Rate limits are counted per minute and per day: come back no sooner than this. */
export const TIKTOK_RATE_LIMIT_MIN_RETRY_MS = 60_000;

export type TiktokVerdict = BatchAnswer | { kind: 'error'; error: Error };

function isSystemError(code: number): boolean {
  return code >= 50000 && code < 60000;
}

export function classifyTiktokResponse(response: HttpResponse, now: number): TiktokVerdict {
  const parsed = v.safeParse(AnswerSchema, response.body);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  if (!parsed.success) {
    const message = redactMessage(`TikTok answered ${response.status} without a readable body`);
    if (
      response.status === 429 ||
      response.status >= 500 ||
      (response.status >= 200 && response.status < 300)
    ) {
      // A 2xx we cannot read may or may not have been taken: event_id makes a repeat harmless.
      return {
        kind: 'error',
        error: new RetryableError(message, { code: `HTTP_${response.status}`, retryAfterMs }),
      };
    }
    return {
      kind: 'error',
      error: new DestinationRejectedError(message, { code: `HTTP_${response.status}` }),
    };
  }
  const { code, request_id: requestId } = parsed.output;
  if (code === 0 && response.status >= 200 && response.status < 300) {
    return { kind: 'accepted', ...(requestId ? { responseId: requestId } : {}) };
  }
  const trace = requestId ? ` (request_id ${requestId})` : '';
  const message = redactMessage(`${parsed.output.message ?? `TikTok answered ${response.status}`}${trace}`);
  if (TIKTOK_RATE_LIMIT_CODES.has(code) || response.status === 429) {
    return {
      kind: 'error',
      error: new RetryableError(`TikTok rate limit (code ${code}): ${message}`, {
        code: String(code),
        retryAfterMs: Math.max(retryAfterMs ?? 0, TIKTOK_RATE_LIMIT_MIN_RETRY_MS),
      }),
    };
  }
  if (isSystemError(code) || response.status >= 500) {
    return {
      kind: 'error',
      error: new RetryableError(`TikTok system error (code ${code}): ${message}`, {
        code: String(code),
        retryAfterMs,
      }),
    };
  }
  if (TOKEN_CODES.has(code)) {
    return {
      kind: 'error',
      error: new DestinationConfigurationError(
        `TikTok refused the access token (code ${code}): set a new TIKTOK_ACCESS_TOKEN; ${message}`,
        { reason: 'token_invalid', variables: ['TIKTOK_ACCESS_TOKEN'] },
      ),
    };
  }
  if (code === NO_PERMISSION) {
    return {
      kind: 'error',
      error: new DestinationConfigurationError(
        `TikTok refused access to the pixel (code ${code}): check TIKTOK_PIXEL_CODE and the token's permissions; ${message}`,
        { reason: 'no_permission', variables: ['TIKTOK_PIXEL_CODE', 'TIKTOK_ACCESS_TOKEN'] },
      ),
    };
  }
  if (code === INVALID_PARAMETER) {
    return { kind: 'invalid', rows: undefined, code: String(code), reason: toReason(code), message };
  }
  return {
    kind: 'error',
    error: new DestinationRejectedError(`TikTok refused the request (code ${code}): ${message}`, {
      code: String(code),
    }),
  };
}
