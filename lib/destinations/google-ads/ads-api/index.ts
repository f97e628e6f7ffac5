import type { DestinationDependencies } from '../../definition';
import { createJsonUploader } from '../../json-upload';
import { type Destination, defineDestination } from '../../types';
import type { GoogleTokenProvider } from '../oauth';
import { DAY_MS } from '../rules';
import type { GoogleAdsConfig } from '../settings';
import { createGoogleTransport, failUnauthenticated } from '../token-transport';
import { decideAdsApiCheckoutCompleted } from './checkout-completed';
import { ADS_MAX_OPERATIONS, type AdsApiRow } from './conversion';
import { classifyAdsResponse } from './errors';
import { decideAdsApiLeadClosed } from './lead-closed';
import { decideAdsApiLeadStage } from './lead-stage';
import { type AdsApiSettings, buildAdsApiRequest } from './request';

/**
 * Legacy mode: `uploadClickConversions` / `uploadConversionAdjustments` with partial failure. Headers per
 * §1b: `login-customer-id` when going through a manager account, `developer-token` only when configured
 * (developer tokens were retired in 2026 and are ignored when sent).
 */
export function createAdsApiDestination(
  name: string,
  config: GoogleAdsConfig,
  tokens: GoogleTokenProvider,
  dependencies: DestinationDependencies,
): Destination {
  const settings: AdsApiSettings = {
    customerId: config.customerId,
    actions: {
      won: config.conversionActionWon,
      lost: config.conversionActionLost,
      purchase: config.conversionActionPurchase,
    },
    baseUrl: config.adsApiBaseUrl,
    apiVersion: config.apiVersion,
    clickWindowMs: config.clickWindowDays * DAY_MS,
  };
  const purchase = {
    actions: settings.actions,
    merchantCenterId: config.merchantCenterId,
    clickWindowMs: settings.clickWindowMs,
    customerId: config.customerId,
  };
  const headers: Record<string, string> = {
    ...(config.loginCustomerId ? { 'login-customer-id': config.loginCustomerId } : {}),
    ...(config.developerToken ? { 'developer-token': config.developerToken } : {}),
  };
  const describe = (rows: readonly AdsApiRow[], batch: string) => buildAdsApiRequest(rows, batch, settings);
  return defineDestination<AdsApiRow>({
    name,
    mappings: {
      lead_closed: (conversion) => decideAdsApiLeadClosed(conversion, settings),
      checkout_completed: (conversion) => decideAdsApiCheckoutCompleted(conversion, purchase),
      lead_stage: (conversion) => decideAdsApiLeadStage(conversion, settings),
    },
    maxBatchSize: () => ADS_MAX_OPERATIONS,
    // The orderId stays taken: a re-upload is answered CLICK_CONVERSION_ALREADY_EXISTS / ORDER_ID_ALREADY_IN_USE.
    deduplicationWindowMs: {
      lead_closed: Number.POSITIVE_INFINITY,
      checkout_completed: Number.POSITIVE_INFINITY,
      lead_stage: Number.POSITIVE_INFINITY,
    },
    describe,
    upload: createJsonUploader({
      now: dependencies.now,
      transport: createGoogleTransport({ tokens, ...dependencies }),
      describe,
      authorize: (request) => ({ url: request.url, headers, body: request.body }),
      classify: (response, now, rowCount) =>
        failUnauthenticated(classifyAdsResponse(response, rowCount, now), 'the Google Ads API'),
    }),
  });
}
