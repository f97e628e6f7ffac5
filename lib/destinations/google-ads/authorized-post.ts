import { type HttpResponse, postRequest } from '../http';
import type { GoogleTokenProvider } from './oauth';

export const GOOGLE_REQUEST_TIMEOUT_MS = 30_000;

/**
 * A POST with a Google OAuth access token. A 401 (the cached token expired or was revoked early) drops
 * the token, refreshes it and tries once more; a second 401 is returned for the caller to report.
 */
export async function postWithGoogleToken(options: {
  tokens: GoogleTokenProvider;
  fetch: typeof fetch;
  now: () => number;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  deadline: number;
}): Promise<{ response: HttpResponse; requests: number }> {
  const body = JSON.stringify(options.body);
  let requests = 0;
  for (let attempt = 1; ; attempt++) {
    const token = await options.tokens.getAccessToken(options.deadline);
    requests++;
    const response = await postRequest({
      fetch: options.fetch,
      url: options.url,
      headers: { ...options.headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      now: options.now,
      deadline: options.deadline,
      timeoutMs: GOOGLE_REQUEST_TIMEOUT_MS,
    });
    if (response.status !== 401 || attempt > 1) return { response, requests };
    options.tokens.invalidate(token);
  }
}
