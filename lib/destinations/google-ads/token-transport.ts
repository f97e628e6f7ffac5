import { DestinationConfigurationError } from '../errors';
import { type JsonTransport, type PlatformVerdict, postJson } from '../json-upload';
import type { GoogleTokenProvider } from './oauth';

export const GOOGLE_REQUEST_TIMEOUT_MS = 30_000;

/**
 * JSON POSTs with a Google OAuth access token. A 401 (the cached token expired or was revoked early) drops
 * the token, refreshes it and tries once more; a second 401 is returned for the caller to report, and the
 * retry counts as a request of its own.
 */
export function createGoogleTransport(options: {
  tokens: GoogleTokenProvider;
  fetch: typeof fetch;
  now: () => number;
}): JsonTransport {
  const post = postJson({ fetch: options.fetch, now: options.now, timeoutMs: GOOGLE_REQUEST_TIMEOUT_MS });
  return async (request, deadline) => {
    let requests = 0;
    for (let attempt = 1; ; attempt++) {
      const token = await options.tokens.getAccessToken(deadline);
      requests++;
      const { response } = await post(
        { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } },
        deadline,
      );
      if (response.status !== 401 || attempt > 1) return { response, requests };
      options.tokens.invalidate(token);
    }
  };
}

/** What both Google APIs' classifiers may answer besides a verdict: a 401 the transport could not cure. */
export type GoogleVerdict = PlatformVerdict | { kind: 'unauthenticated' };

/** A 401 for a token refreshed a moment ago: the OAuth client or the refresh token is wrong, not the token. */
export function failUnauthenticated(verdict: GoogleVerdict, api: string): PlatformVerdict {
  if (verdict.kind !== 'unauthenticated') return verdict;
  return {
    kind: 'error',
    error: new DestinationConfigurationError(
      `${api} refused a freshly refreshed access token (401); check the OAuth client and GOOGLE_ADS_REFRESH_TOKEN`,
      { reason: 'unauthenticated', variables: ['GOOGLE_ADS_REFRESH_TOKEN'] },
    ),
  };
}
