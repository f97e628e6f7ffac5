import { type DestinationDependencies, declareDestination } from '../definition';
import { type Destination, defineDestination } from '../types';
import { createAdsApiClient } from './ads-api-client';
import {
  ADS_MAX_OPERATIONS,
  type AdsApiRow,
  buildAdsApiDecision,
  buildAdsApiRequest,
} from './ads-api-mapping';
import { createDataManagerClient } from './data-manager-client';
import {
  buildDataManagerDecision,
  buildIngestRequest,
  DATA_MANAGER_MAX_EVENTS,
  type DataManagerEvent,
} from './data-manager-mapping';
import { createGoogleTokenProvider } from './oauth';
import { buildAdsApiPurchaseDecision, buildDataManagerPurchaseDecision } from './purchase-mapping';
import { createRequestStatusSource } from './request-status-client';
import { type GoogleAdsConfig, googleAdsSettings } from './settings';

export const GOOGLE_ADS_DESTINATION = 'google-ads';

/**
 * The Google Ads destination: Data Manager `events:ingest` by default, the Google Ads API's
 * `uploadClickConversions` when GOOGLE_ADS_UPLOAD_API=ads. One delivery per close either way; the API
 * version comes from config (pinned in ./version.ts, overridable by GOOGLE_ADS_API_VERSION).
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
  const actions = {
    won: config.conversionActionWon,
    lost: config.conversionActionLost,
    purchase: config.conversionActionPurchase,
  };
  const purchase = { actions, merchantCenterId: config.merchantCenterId };

  if (config.uploadApi === 'ads') {
    const settings = {
      customerId: config.customerId,
      actions,
      baseUrl: config.adsApiBaseUrl,
      apiVersion: config.apiVersion,
      loginCustomerId: config.loginCustomerId,
      developerToken: config.developerToken,
    };
    const client = createAdsApiClient({ settings, tokens, ...dependencies });
    return defineDestination<AdsApiRow>({
      name: GOOGLE_ADS_DESTINATION,
      mappings: {
        lead_closed: (conversion) => buildAdsApiDecision(conversion, settings),
        checkout_completed: (conversion) =>
          buildAdsApiPurchaseDecision(conversion, { ...purchase, customerId: config.customerId }),
      },
      maxBatchSize: () => ADS_MAX_OPERATIONS,
      describe: (rows, batch) => buildAdsApiRequest(rows, batch, settings),
      upload: (rows, batch, context) => client.upload(rows, batch, context),
    });
  }

  const settings = {
    customerId: config.customerId,
    loginCustomerId: config.loginCustomerId,
    actions,
    baseUrl: config.dataManagerBaseUrl,
  };
  const client = createDataManagerClient({ settings, tokens, ...dependencies });
  // Data Manager processes uploads later: each request's result is asked for once it is old enough.
  const processing = createRequestStatusSource({
    baseUrl: config.dataManagerBaseUrl,
    checkDelayMs: config.statusCheckMinutes * 60_000,
    tokens,
    ...dependencies,
  });
  return defineDestination<DataManagerEvent>({
    name: GOOGLE_ADS_DESTINATION,
    mappings: {
      lead_closed: (conversion) => buildDataManagerDecision(conversion, settings),
      checkout_completed: (conversion) => buildDataManagerPurchaseDecision(conversion, purchase),
    },
    maxBatchSize: () => DATA_MANAGER_MAX_EVENTS,
    describe: (rows) => buildIngestRequest(rows, settings),
    upload: (rows, _batch, context) => client.upload(rows, context),
    processing,
  });
}

export const googleAdsDestination = declareDestination({
  name: GOOGLE_ADS_DESTINATION,
  settings: googleAdsSettings,
  create: createGoogleAdsDestination,
});
