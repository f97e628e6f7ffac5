import { outcomeForError } from '../../errors';
import { getRequest } from '../../http';
import type { ProcessingAnswer, ProcessingStatusSource, UploadContext } from '../../types';
import type { GoogleTokenProvider } from '../oauth';
import { GOOGLE_REQUEST_TIMEOUT_MS } from '../token-transport';
import { classifyRequestStatusResponse } from './request-status';

/**
 * `GET {base}/v1/requestStatus:retrieve?requestId=…` (RetrieveRequestStatusRequest has the one field
 * `request_id`), with the same OAuth token provider as the uploads: a 401 refreshes the token once.
 * Google recommends asking no sooner than ~30 minutes after the upload (GOOGLE_STATUS_CHECK_MINUTES).
 */
export function createRequestStatusSource(options: {
  baseUrl: string;
  checkDelayMs: number;
  tokens: GoogleTokenProvider;
  fetch: typeof fetch;
  now: () => number;
}): ProcessingStatusSource {
  return {
    checkDelayMs: options.checkDelayMs,
    async retrieve(requestId: string, events: number, context: UploadContext): Promise<ProcessingAnswer> {
      const url = `${options.baseUrl.replace(/\/$/, '')}/v1/requestStatus:retrieve?requestId=${encodeURIComponent(requestId)}`;
      try {
        for (let attempt = 1; ; attempt++) {
          const token = await options.tokens.getAccessToken(context.deadline);
          const response = await getRequest({
            fetch: options.fetch,
            url,
            headers: { authorization: `Bearer ${token}` },
            now: options.now,
            deadline: context.deadline,
            timeoutMs: GOOGLE_REQUEST_TIMEOUT_MS,
          });
          if (response.status === 401 && attempt === 1) {
            options.tokens.invalidate(token);
            continue;
          }
          return classifyRequestStatusResponse(response, events, options.now());
        }
      } catch (error) {
        // Network, timeout, token refresh: the result is still Google's to give; ask again later.
        const outcome = outcomeForError(error);
        return {
          kind: 'unavailable',
          code: 'code' in outcome ? outcome.code : 'unavailable',
          message: 'message' in outcome && outcome.message ? outcome.message : 'status call failed',
          ...(outcome.kind === 'retry' && outcome.retryAfterMs !== undefined
            ? { retryAfterMs: outcome.retryAfterMs }
            : {}),
        };
      }
    },
  };
}
