import { DestinationRejectedError, RetryableError } from '../../errors';
import { parseRetryAfter } from '../../http/retry-after';
import { redactMessage } from '../../observability/redact';
import type { HttpResponse } from '../http';
import type { BatchAnswer } from '../isolate';

/**
 * Measurement Protocol answers (pure). `/mp/collect` answers 2xx with no body for every request it can
 * read, valid or not ("always answers 2xx", platform-apis.md §3), so a 2xx is all there is to know; rows
 * are validated before they are sent. 429 and 5xx are worth a retry; any other status is a refusal.
 */
export type Ga4Verdict = BatchAnswer | { kind: 'error'; error: Error };

export function classifyGa4Response(response: HttpResponse, now: number): Ga4Verdict {
  if (response.status >= 200 && response.status < 300) return { kind: 'accepted' };
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  const message = redactMessage(`GA4 answered ${response.status}: ${response.text.slice(0, 200)}`);
  if (response.status === 429 || response.status >= 500) {
    return {
      kind: 'error',
      error: new RetryableError(message, { code: `HTTP_${response.status}`, retryAfterMs }),
    };
  }
  return { kind: 'error', error: new DestinationRejectedError(message, { code: `HTTP_${response.status}` }) };
}
