import { type DestinationDependencies, declareDestination } from '../definition';
import { createJsonUploader, postJson } from '../json-upload';
import { type Destination, defineDestination } from '../types';
import { decideTiktokCheckoutCompleted } from './checkout-completed';
import { classifyTiktokResponse } from './errors';
import type { TiktokEvent } from './event';
import { decideTiktokLeadClosed } from './lead-closed';
import { decideTiktokLeadStage } from './lead-stage';
import { buildTiktokRequest, TIKTOK_MAX_EVENTS } from './request';
import { type TiktokConfig, type TiktokSettings, tiktokSettings } from './settings';

export const TIKTOK_DESTINATION = 'tiktok';
const TIKTOK_REQUEST_TIMEOUT_MS = 30_000;
const TIKTOK_DEDUPLICATION_MS = 48 * 3_600_000;

/** TikTok Events API 2.0: `POST {TIKTOK_BASE_URL}/open_api/v1.3/event/track/`, header `Access-Token`. */
export function createTiktokDestination(
  config: TiktokConfig,
  dependencies: DestinationDependencies,
): Destination {
  const settings: TiktokSettings = {
    pixelCode: config.pixelCode,
    crmEventSetId: config.crmEventSetId,
    testEventCode: config.testEventCode,
    baseUrl: config.baseUrl,
    purchaseEvent: config.purchaseEvent,
    wonEvent: config.wonEvent,
    lostEvent: config.lostEvent,
  };
  const describe = (rows: readonly TiktokEvent[], batch: string) => buildTiktokRequest(rows, batch, settings);
  return defineDestination<TiktokEvent>({
    name: TIKTOK_DESTINATION,
    mappings: {
      lead_closed: (conversion) => decideTiktokLeadClosed(conversion, settings),
      checkout_completed: (conversion) => decideTiktokCheckoutCompleted(conversion, settings),
      lead_stage: (conversion) => decideTiktokLeadStage(conversion, settings),
    },
    maxBatchSize: () => TIKTOK_MAX_EVENTS,
    // Events API events with the same event + event_id within 48 hours are de-duplicated
    // (ads.tiktok.com/help/article/event-deduplication); after that they count twice.
    deduplicationWindowMs: {
      lead_closed: TIKTOK_DEDUPLICATION_MS,
      checkout_completed: TIKTOK_DEDUPLICATION_MS,
      lead_stage: TIKTOK_DEDUPLICATION_MS,
    },
    describe,
    upload: createJsonUploader({
      now: dependencies.now,
      transport: postJson({ ...dependencies, timeoutMs: TIKTOK_REQUEST_TIMEOUT_MS }),
      describe,
      authorize: (request) => ({
        url: request.url,
        headers: { 'access-token': config.accessToken },
        body: request.body,
      }),
      classify: (response, now) => classifyTiktokResponse(response, now),
    }),
  });
}

export const tiktokDestination = declareDestination({
  name: TIKTOK_DESTINATION,
  settings: tiktokSettings,
  create: createTiktokDestination,
});
