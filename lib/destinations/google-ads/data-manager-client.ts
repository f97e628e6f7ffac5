import { DestinationConfigurationError } from '../errors';
import { type BatchAnswer, uploadIsolatingInvalidRows } from '../isolate';
import type { RowOutcome, UploadContext, UploadResult } from '../types';
import { postWithGoogleToken } from './authorized-post';
import { classifyDataManagerResponse } from './data-manager-errors';
import { buildIngestRequest, type DataManagerEvent, type DataManagerSettings } from './data-manager-mapping';
import type { GoogleTokenProvider } from './oauth';

/**
 * Uploads one batch of events with `POST {base}/v1/events:ingest` (OAuth bearer token, no developer
 * token: Data Manager has none). Rows the platform rejects are isolated so the good ones go through.
 */
export function createDataManagerClient(options: {
  settings: DataManagerSettings;
  tokens: GoogleTokenProvider;
  fetch: typeof fetch;
  now: () => number;
}) {
  return {
    async upload(rows: readonly DataManagerEvent[], context: UploadContext): Promise<UploadResult> {
      let tokenRetries = 0;
      const send = async (batch: readonly DataManagerEvent[]): Promise<BatchAnswer> => {
        const request = buildIngestRequest(batch, options.settings);
        const { response, requests } = await postWithGoogleToken({
          tokens: options.tokens,
          fetch: options.fetch,
          now: options.now,
          url: request.url,
          headers: {},
          body: request.body,
          deadline: context.deadline,
        });
        tokenRetries += requests - 1;
        const verdict = classifyDataManagerResponse(response, options.now());
        if (verdict.kind === 'unauthenticated') {
          throw new DestinationConfigurationError(
            'Data Manager refused a freshly refreshed access token (401); check the OAuth client and GOOGLE_ADS_REFRESH_TOKEN',
            { reason: 'unauthenticated', variables: ['GOOGLE_ADS_REFRESH_TOKEN'] },
          );
        }
        if (verdict.kind === 'error') throw verdict.error;
        return verdict;
      };
      const result = await uploadIsolatingInvalidRows(rows, send);
      // A 200 means valid, not counted: the events are processed later and the request's result is
      // asked for by its requestId (platform-apis.md §7), so a row Google took is `accepted`.
      const outcomes = result.outcomes.map(
        (outcome): RowOutcome =>
          outcome.kind === 'delivered' && outcome.responseId
            ? { kind: 'accepted', responseId: outcome.responseId }
            : outcome,
      );
      return { outcomes, requests: result.requests + tokenRetries };
    },
  };
}
