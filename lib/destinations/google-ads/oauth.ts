import * as v from 'valibot';
import { RetryableError } from '../../errors';
import { parseRetryAfter } from '../../http/retry-after';
import { redactMessage } from '../../observability/redact';
import { DestinationConfigurationError } from '../errors';
import { postRequest } from '../http';

/**
 * Google OAuth2 refresh-token flow (platform-apis.md §1b): a form-encoded POST of client_id,
 * client_secret, refresh_token and grant_type=refresh_token answers {access_token, expires_in≈3599}.
 * The token is cached until shortly before it expires and shared by concurrent callers; a token the API
 * refused (401) is dropped so that the next call refreshes it.
 */
export type GoogleTokenProvider = {
  getAccessToken(deadline: number): Promise<string>;
  /** Forgets `token` (if it is still the cached one) after an API answered 401 for it. */
  invalidate(token: string): void;
};

const TokenResponseSchema = v.object({
  access_token: v.pipe(v.string(), v.minLength(1)),
  expires_in: v.optional(v.pipe(v.number(), v.minValue(0))),
  token_type: v.optional(v.string()),
  scope: v.optional(v.string()),
});
const TokenErrorSchema = v.object({ error: v.string(), error_description: v.optional(v.string()) });

/** Refresh this long before Google's expiry: a token must not expire between our check and its use. */
export const TOKEN_EXPIRY_MARGIN_MS = 5 * 60_000;
const DEFAULT_LIFETIME_S = 3599;
const TOKEN_TIMEOUT_MS = 10_000;

export function createGoogleTokenProvider(options: {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  fetch: typeof fetch;
  now: () => number;
}): GoogleTokenProvider {
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function refresh(deadline: number): Promise<string> {
    const response = await postRequest({
      fetch: options.fetch,
      url: options.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        refresh_token: options.refreshToken,
        grant_type: 'refresh_token',
      }).toString(),
      now: options.now,
      deadline,
      timeoutMs: TOKEN_TIMEOUT_MS,
    });
    if (response.status === 200) {
      const parsed = v.safeParse(TokenResponseSchema, response.body);
      if (!parsed.success) {
        throw new RetryableError('the OAuth token endpoint answered without an access token', {
          code: 'oauth_bad_response',
        });
      }
      const lifetimeMs = (parsed.output.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
      cached = {
        token: parsed.output.access_token,
        expiresAt: options.now() + Math.max(0, lifetimeMs - TOKEN_EXPIRY_MARGIN_MS),
      };
      return parsed.output.access_token;
    }
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableError(`the OAuth token endpoint answered ${response.status}`, {
        code: `oauth_http_${response.status}`,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), options.now()),
      });
    }
    const error = v.safeParse(TokenErrorSchema, response.body);
    const code = error.success ? error.output.error : `http_${response.status}`;
    // RFC 6749 §5.2: invalid_grant = the refresh token is expired or revoked; invalid_client = wrong id/secret.
    if (code === 'invalid_grant') {
      throw new DestinationConfigurationError(
        'Google refused the refresh token (invalid_grant: expired or revoked): mint a new GOOGLE_ADS_REFRESH_TOKEN',
        { reason: 'oauth_invalid_grant', variables: ['GOOGLE_ADS_REFRESH_TOKEN'] },
      );
    }
    if (code === 'invalid_client' || code === 'unauthorized_client') {
      throw new DestinationConfigurationError(
        `Google refused the OAuth client (${code}): check GOOGLE_ADS_CLIENT_ID and GOOGLE_ADS_CLIENT_SECRET`,
        { reason: `oauth_${code}`, variables: ['GOOGLE_ADS_CLIENT_ID', 'GOOGLE_ADS_CLIENT_SECRET'] },
      );
    }
    throw new DestinationConfigurationError(
      `the OAuth token endpoint refused the refresh (${redactMessage(code)})`,
      { reason: 'oauth_refused', variables: ['GOOGLE_ADS_REFRESH_TOKEN'] },
    );
  }

  return {
    async getAccessToken(deadline) {
      if (cached && options.now() < cached.expiresAt) return cached.token;
      inFlight ??= refresh(deadline).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
