import { DestinationConfigurationError } from '../errors';
import { type BatchAnswer, uploadIsolatingInvalidRows } from '../isolate';
import type { UploadContext, UploadResult } from '../types';
import { classifyAdsResponse } from './ads-api-errors';
import { type AdsApiRow, type AdsApiSettings, buildAdsApiRequest } from './ads-api-mapping';
import { postWithGoogleToken } from './authorized-post';
import type { GoogleTokenProvider } from './oauth';

/**
 * Legacy mode: `uploadClickConversions` / `uploadConversionAdjustments` with partial failure. Headers per
 * §1b: `login-customer-id` when going through a manager account, `developer-token` only when configured
 * (developer tokens were retired in 2026 and are ignored when sent).
 */
export function createAdsApiClient(options: {
  settings: AdsApiSettings & { loginCustomerId: string | undefined; developerToken: string | undefined };
  tokens: GoogleTokenProvider;
  fetch: typeof fetch;
  now: () => number;
}) {
  const headers: Record<string, string> = {
    ...(options.settings.loginCustomerId ? { 'login-customer-id': options.settings.loginCustomerId } : {}),
    ...(options.settings.developerToken ? { 'developer-token': options.settings.developerToken } : {}),
  };
  return {
    async upload(rows: readonly AdsApiRow[], batch: string, context: UploadContext): Promise<UploadResult> {
      let tokenRetries = 0;
      const send = async (part: readonly AdsApiRow[]): Promise<BatchAnswer> => {
        const request = buildAdsApiRequest(part, batch, options.settings);
        const { response, requests } = await postWithGoogleToken({
          tokens: options.tokens,
          fetch: options.fetch,
          now: options.now,
          url: request.url,
          headers,
          body: request.body,
          deadline: context.deadline,
        });
        tokenRetries += requests - 1;
        const verdict = classifyAdsResponse(response, part.length, options.now());
        if (verdict.kind === 'unauthenticated') {
          throw new DestinationConfigurationError(
            'the Google Ads API refused a freshly refreshed access token (401); check the OAuth client and GOOGLE_ADS_REFRESH_TOKEN',
            { reason: 'unauthenticated', variables: ['GOOGLE_ADS_REFRESH_TOKEN'] },
          );
        }
        if (verdict.kind === 'error') throw verdict.error;
        return verdict;
      };
      const result = await uploadIsolatingInvalidRows(rows, send);
      return { outcomes: result.outcomes, requests: result.requests + tokenRetries };
    },
  };
}
