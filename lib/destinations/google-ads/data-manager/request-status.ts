import * as v from 'valibot';
import { parseRetryAfter } from '../../../http/retry-after';
import { redactMessage } from '../../../observability/redact';
import type { HttpResponse } from '../../http';
import type { ProcessingAnswer, ProcessingVerdict } from '../../types';
import { parseGoogleError } from '../google-errors';

/**
 * Data Manager's processing result of one `events:ingest` request (pure). Shapes from googleapis/googleapis
 * google/ads/datamanager/v1: `RetrieveRequestStatusResponse {requestStatusPerDestination[]}` in the order of
 * the request's destinations, each `{destination, requestStatus, errorInfo{errorCounts[{recordCount, reason}]},
 * warningInfo, eventsIngestionStatus{recordCount}}`. int64 counts are JSON strings (proto3 JSON mapping), so
 * numbers and strings are both read. Errors are counts by reason per request, not per row: a one-event
 * request's result is that event's, a larger one's cannot be told apart (platform-apis.md §7).
 */
const Count = v.optional(
  v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/))]),
    v.transform((value) => Number(value)),
  ),
);
const CountsSchema = v.optional(
  v.array(v.looseObject({ recordCount: Count, reason: v.optional(v.string()) })),
  [],
);
const PerDestinationSchema = v.looseObject({
  requestStatus: v.optional(v.string(), 'REQUEST_STATUS_UNKNOWN'),
  errorInfo: v.optional(v.looseObject({ errorCounts: CountsSchema })),
  eventsIngestionStatus: v.optional(v.looseObject({ recordCount: Count })),
});
export const RetrieveRequestStatusResponseSchema = v.looseObject({
  requestStatusPerDestination: v.optional(v.array(PerDestinationSchema), []),
});

/** ProcessingErrorReason names carry this prefix; we store and show the rest (`CLICK_NOT_FOUND`). */
const REASON_PREFIX = /^PROCESSING_ERROR_(REASON_)?/;
/** Reasons a re-upload may cure (the rule: Google's internal error, a click too recent to match). */
export const TRANSIENT_PROCESSING_REASONS = new Set(['INTERNAL_ERROR', 'TOO_RECENT_CLICK']);
/** The conversion was already counted by an earlier upload of the same transaction ID. */
const ALREADY_COUNTED = new Set(['DUPLICATE_TRANSACTION_ID']);
/** A click too recent to be matched yet: the Ads API's TOO_RECENT_* rule, retry after 6 h (§1b). */
const TOO_RECENT_RETRY_MS = 6 * 3_600_000;

export function processingReason(reason: string | undefined): string {
  const name = (reason ?? '').replace(REASON_PREFIX, '');
  return name === '' ? 'UNSPECIFIED' : name;
}

function summarise(errors: readonly { reason: string; count: number }[], events: number): string {
  return errors
    .map((error) => `${error.count} of ${events} in this request failed: ${error.reason}`)
    .join('; ');
}

/** Per-destination statuses folded into one: a request is as final as its least final destination. */
function combinedStatus(statuses: readonly string[]): string {
  // No per-destination status yet: not known, so not final.
  if (statuses.length === 0) return 'PROCESSING';
  if (statuses.some((status) => status === 'PROCESSING' || status === 'REQUEST_STATUS_UNKNOWN'))
    return 'PROCESSING';
  if (statuses.every((status) => status === 'SUCCESS')) return 'SUCCESS';
  if (statuses.every((status) => status === 'FAILED')) return 'FAILED';
  return 'PARTIAL_SUCCESS';
}

/** What a final status means for each delivery of a request that carried `events` events. */
export function judgeRequestStatus(
  status: string,
  counts: readonly { reason: string; count: number }[],
  events: number,
): ProcessingVerdict {
  const errors = counts.filter((error) => error.count > 0).sort((a, b) => b.count - a.count);
  if (status === 'SUCCESS') return { status, errors, outcome: 'processed' };
  const top = errors[0]?.reason ?? 'UNSPECIFIED';
  const summary = errors.length > 0 ? summarise(errors, events) : `${status} without error counts`;
  // One event: the request's result is that event's. FAILED: every event of the request failed.
  if (events === 1 || status === 'FAILED') {
    if (errors.length > 0 && errors.every((error) => ALREADY_COUNTED.has(error.reason))) {
      return { status, errors, outcome: 'processed', summary: `already counted: ${summary}` };
    }
    if (errors.length > 0 && errors.every((error) => TRANSIENT_PROCESSING_REASONS.has(error.reason))) {
      return {
        status,
        errors,
        outcome: 'retry',
        reason: top,
        summary,
        ...(top === 'TOO_RECENT_CLICK' ? { retryAfterMs: TOO_RECENT_RETRY_MS } : {}),
      };
    }
    return { status, errors, outcome: 'failed', reason: top, summary };
  }
  return { status, errors, outcome: 'partial_success', summary };
}

/** The answer to `GET /v1/requestStatus:retrieve` (pure). 401 is handled by the caller (token refresh). */
export function classifyRequestStatusResponse(
  response: HttpResponse,
  events: number,
  now: number,
): ProcessingAnswer {
  if (response.status >= 200 && response.status < 300) {
    const parsed = v.safeParse(RetrieveRequestStatusResponseSchema, response.body ?? {});
    if (!parsed.success) {
      return { kind: 'unavailable', code: 'malformed_status', message: 'unreadable requestStatus answer' };
    }
    const perDestination = parsed.output.requestStatusPerDestination;
    const status = combinedStatus(perDestination.map((entry) => entry.requestStatus));
    if (status === 'PROCESSING') return { kind: 'processing' };
    const byReason = new Map<string, number>();
    for (const entry of perDestination) {
      for (const count of entry.errorInfo?.errorCounts ?? []) {
        const reason = processingReason(count.reason);
        byReason.set(reason, (byReason.get(reason) ?? 0) + (count.recordCount ?? 0));
      }
    }
    const counts = [...byReason].map(([reason, count]) => ({ reason, count }));
    return { kind: 'final', verdict: judgeRequestStatus(status, counts, events) };
  }
  const error = parseGoogleError(response.body);
  const code = error?.status || `HTTP_${response.status}`;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  return {
    kind: 'unavailable',
    code,
    message: redactMessage(
      `requestStatus:retrieve answered ${response.status} ${code}: ${error?.message ?? ''}`.trim(),
    ),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}
