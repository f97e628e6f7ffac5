import * as v from 'valibot';
import type { PlatformReceipt } from '../../domain';
import { DestinationRejectedError, RetryableError } from '../../errors';
import { parseRetryAfter } from '../../http/retry-after';
import { redactMessage } from '../../observability/redact';
import { DestinationConfigurationError, toReason } from '../errors';
import type { HttpResponse } from '../http';
import type { BatchAnswer } from '../isolate';
import type { RowOutcome } from '../types';

/**
 * Meta Graph API answers (pure). Success {events_received, messages[], fbtrace_id}; error
 * {"error": {message, type, code, error_subcode, fbtrace_id}} (platform-apis.md §2). Codes 1, 2 are
 * transient and 4, 17, 341 throttling: retried with back-off; 190 is an expired or invalid token: a
 * configuration error; 100 is an invalid parameter, which one bad event causes for the whole request.
 */
const SuccessSchema = v.looseObject({
  events_received: v.optional(v.number()),
  messages: v.optional(v.array(v.unknown())),
  fbtrace_id: v.optional(v.string()),
});
const ErrorSchema = v.object({
  error: v.looseObject({
    message: v.optional(v.string()),
    type: v.optional(v.string()),
    code: v.optional(v.number()),
    error_subcode: v.optional(v.number()),
    fbtrace_id: v.optional(v.string()),
  }),
});

const TRANSIENT_CODES = new Set([1, 2]);
// 4 app, 17 user, 341 application limit, 32 page, 613 calls-per-time: all "slow down".
const THROTTLING_CODES = new Set([4, 17, 32, 341, 613]);
/** Throttling lifts in minutes, not seconds: never come back sooner than this. */
export const META_THROTTLE_MIN_RETRY_MS = 5 * 60_000;
const TOKEN_EXPIRED = 190;
const INVALID_PARAMETER = 100;
// 100/33: "Unsupported post request. Object with ID '…' does not exist" — the pixel ID is wrong.
const OBJECT_DOES_NOT_EXIST = 33;

export type MetaVerdict = BatchAnswer | { kind: 'error'; error: Error };

function shortfall(
  receipt: PlatformReceipt,
  parsed: v.SafeParseResult<typeof SuccessSchema>,
  traceId: string | undefined,
): RowOutcome {
  const trace = traceId ? ` (fbtrace_id ${traceId})` : '';
  const said = (parsed.success ? (parsed.output.messages ?? []) : []).map((entry) =>
    typeof entry === 'string' ? entry : JSON.stringify(entry),
  );
  const message = redactMessage(
    `Meta received ${receipt.eventsReceived} of the ${receipt.eventsSent} events of this request${trace}${
      said.length > 0 ? `: ${said.join('; ')}` : ''
    }`,
  );
  return said.length > 0
    ? { kind: 'failed', reason: 'not_received', code: 'events_received', message }
    : { kind: 'retry', code: 'events_not_received', message };
}

/**
 * `sent`: the events in the request. Meta answers `events_received`; fewer than sent means some were not
 * taken, and Meta does not say which — so none of the request counts as delivered: with Meta's `messages`
 * the rows fail with them, without any they are retried (event_name + event_id de-duplicate the ones Meta
 * did take, within 48 hours).
 */
export function classifyMetaResponse(response: HttpResponse, now: number, sent?: number): MetaVerdict {
  if (response.status >= 200 && response.status < 300) {
    const parsed = v.safeParse(SuccessSchema, response.body ?? {});
    const traceId = parsed.success ? parsed.output.fbtrace_id : undefined;
    const received = parsed.success ? parsed.output.events_received : undefined;
    const accepted: BatchAnswer = { kind: 'accepted', ...(traceId ? { responseId: traceId } : {}) };
    if (sent === undefined || received === undefined) return accepted;
    const receipt = { eventsReceived: received, eventsSent: sent };
    if (received >= sent) return { ...accepted, receipt };
    return { ...accepted, receipt, rowOutcomes: new Array(sent).fill(shortfall(receipt, parsed, traceId)) };
  }
  const parsed = v.safeParse(ErrorSchema, response.body);
  const error = parsed.success ? parsed.output.error : undefined;
  const code = error?.code;
  const subcode = error?.error_subcode;
  const trace = error?.fbtrace_id ? ` (fbtrace_id ${error.fbtrace_id})` : '';
  const message = redactMessage(`${error?.message ?? `Meta answered ${response.status}`}${trace}`);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  if (code !== undefined && THROTTLING_CODES.has(code)) {
    return {
      kind: 'error',
      error: new RetryableError(`Meta throttled the request (code ${code}): ${message}`, {
        code: String(code),
        retryAfterMs: Math.max(retryAfterMs ?? 0, META_THROTTLE_MIN_RETRY_MS),
      }),
    };
  }
  if (
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    response.status === 429 ||
    response.status >= 500
  ) {
    return {
      kind: 'error',
      error: new RetryableError(`Meta answered ${response.status} (code ${code ?? 'none'}): ${message}`, {
        code: code !== undefined ? String(code) : `HTTP_${response.status}`,
        retryAfterMs,
      }),
    };
  }
  if (code === TOKEN_EXPIRED) {
    return {
      kind: 'error',
      error: new DestinationConfigurationError(
        `Meta refused the access token (code 190: expired or invalid): set a new META_ACCESS_TOKEN; ${message}`,
        { reason: 'token_expired', variables: ['META_ACCESS_TOKEN'] },
      ),
    };
  }
  if (code === INVALID_PARAMETER && subcode === OBJECT_DOES_NOT_EXIST) {
    return {
      kind: 'error',
      error: new DestinationConfigurationError(
        `Meta does not know the dataset: check META_PIXEL_ID; ${message}`,
        {
          reason: 'pixel_not_found',
          variables: ['META_PIXEL_ID'],
        },
      ),
    };
  }
  if (code === INVALID_PARAMETER) {
    // Meta does not say which event was wrong: the batch is halved until the bad one stands alone.
    return { kind: 'invalid', rows: undefined, code: String(code), reason: toReason(code), message };
  }
  const reasonCode = code !== undefined ? String(code) : `HTTP_${response.status}`;
  return {
    kind: 'error',
    error: new DestinationRejectedError(`Meta refused the request (code ${reasonCode}): ${message}`, {
      code: reasonCode,
    }),
  };
}
