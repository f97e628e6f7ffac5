import { type DestinationDependencies, declareDestination } from '../definition';
import type { Destination } from '../types';
import { createAdsApiDestination } from './ads-api';
import { createDataManagerDestination } from './data-manager';
import { createGoogleTokenProvider } from './oauth';
import { type GoogleAdsConfig, googleAdsSettings } from './settings';

export const GOOGLE_ADS_DESTINATION = 'google-ads';

/**
 * The Google Ads destination: Data Manager `events:ingest` by default, the Google Ads API's
 * `uploadClickConversions` when GOOGLE_ADS_UPLOAD_API=ads. One delivery per close either way, under the
 * one name `google-ads`; both share the OAuth token, the rules (./rules.ts) and the purchase parts.
 */
export function createGoogleAdsDestination(
  config: GoogleAdsConfig,
  dependencies: DestinationDependencies,
): Destination {
  const tokens = createGoogleTokenProvider({
    tokenUrl: config.oauthTokenUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    refreshToken: config.refreshToken,
    fetch: dependencies.fetch,
    now: dependencies.now,
  });
  return config.uploadApi === 'ads'
    ? createAdsApiDestination(GOOGLE_ADS_DESTINATION, config, tokens, dependencies)
    : createDataManagerDestination(GOOGLE_ADS_DESTINATION, config, tokens, dependencies);
}

export const googleAdsDestination = declareDestination({
  name: GOOGLE_ADS_DESTINATION,
  settings: googleAdsSettings,
  create: createGoogleAdsDestination,
});
