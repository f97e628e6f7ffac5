import * as v from 'valibot';
import { DestinationRejectedError, RetryableError } from '../../../errors';
import { parseRetryAfter } from '../../../http/retry-after';
import { redactMessage } from '../../../observability/redact';
import { DestinationConfigurationError, toReason } from '../../errors';
import type { HttpResponse } from '../../http';
import type { BatchAnswer, RejectedRow } from '../../isolate';
import { isMissingScope, parseGoogleError } from '../google-errors';

/** The scope Data Manager requires (platform-apis.md §1a, §6 "Permissions churn"). */
export const DATA_MANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';

const IngestResponseSchema = v.looseObject({ requestId: v.optional(v.string()) });

/**
 * What a Data Manager answer means for a batch (pure). `unauthenticated` asks the client to refresh its
 * token once and retry; `invalid` names the rejected rows when the BadRequest field paths do
 * (`events[3].…`); everything else that is not a success is an error to apply to the whole batch.
 */
export type DataManagerVerdict = BatchAnswer | { kind: 'unauthenticated' } | { kind: 'error'; error: Error };

const EVENT_PATH = /^events\[(\d+)\]/;

export function classifyDataManagerResponse(response: HttpResponse, now: number): DataManagerVerdict {
  if (response.status >= 200 && response.status < 300) {
    const parsed = v.safeParse(IngestResponseSchema, response.body ?? {});
    return {
      kind: 'accepted',
      ...(parsed.success && parsed.output.requestId ? { responseId: parsed.output.requestId } : {}),
    };
  }
  const error = parseGoogleError(response.body);
  const status = error?.status || `HTTP_${response.status}`;
  const message = redactMessage(error?.message || `Data Manager answered ${response.status}`);
  if (response.status === 401) return { kind: 'unauthenticated' };
  if (response.status === 403) {
    if (isMissingScope(error)) {
      return {
        kind: 'error',
        error: new DestinationConfigurationError(
          `Data Manager refused the token: its grant lacks the OAuth scope ${DATA_MANAGER_SCOPE}; re-authorise and set a new GOOGLE_ADS_REFRESH_TOKEN`,
          { reason: 'missing_datamanager_scope', variables: ['GOOGLE_ADS_REFRESH_TOKEN'] },
        ),
      };
    }
    return {
      kind: 'error',
      error: new DestinationConfigurationError(
        `Data Manager denied access to the account (${status}): ${message}; check GOOGLE_ADS_CUSTOMER_ID / GOOGLE_ADS_LOGIN_CUSTOMER_ID and the user's access`,
        {
          reason: 'permission_denied',
          variables: ['GOOGLE_ADS_CUSTOMER_ID', 'GOOGLE_ADS_LOGIN_CUSTOMER_ID'],
        },
      ),
    };
  }
  if (response.status === 429 || response.status >= 500) {
    return {
      kind: 'error',
      error: new RetryableError(`Data Manager answered ${response.status} ${status}: ${message}`, {
        code: status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now),
      }),
    };
  }
  if (response.status === 400) {
    const violations = error?.fieldViolations ?? [];
    // A wrong conversion action or account is the request's fault, not a row's: no row would ever pass.
    if (violations.some((violation) => violation.field.startsWith('destinations'))) {
      return {
        kind: 'error',
        error: new DestinationConfigurationError(
          `Data Manager refused the destination: ${message}; check GOOGLE_ADS_CUSTOMER_ID and the conversion action IDs`,
          {
            reason: 'invalid_destination',
            variables: [
              'GOOGLE_ADS_CUSTOMER_ID',
              'GOOGLE_ADS_CONVERSION_ACTION_WON',
              'GOOGLE_ADS_CONVERSION_ACTION_LOST',
            ],
          },
        ),
      };
    }
    const fallbackCode = error?.reasons[0] ?? status;
    const rows: RejectedRow[] = [];
    for (const violation of violations) {
      const index = EVENT_PATH.exec(violation.field)?.[1];
      if (index === undefined || rows.some((row) => row.index === Number(index))) continue;
      const code = violation.reason ?? fallbackCode;
      // The field path without the row index: which field, never its value.
      const field = violation.field.replace(EVENT_PATH, 'event');
      rows.push({
        index: Number(index),
        code,
        reason: toReason(code),
        message: redactMessage(`${field}: ${violation.description}`),
      });
    }
    const first = violations[0];
    const code = first?.reason ?? fallbackCode;
    return {
      kind: 'invalid',
      rows: rows.length > 0 ? rows : undefined,
      code,
      reason: toReason(code),
      message: first ? redactMessage(`${first.field}: ${first.description}`) : message,
    };
  }
  return {
    kind: 'error',
    error: new DestinationRejectedError(`Data Manager answered ${response.status} ${status}: ${message}`, {
      code: status,
    }),
  };
}
