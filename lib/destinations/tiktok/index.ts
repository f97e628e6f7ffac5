import { type DestinationDependencies, declareDestination } from '../definition';
import { postRequest } from '../http';
import { type BatchAnswer, uploadIsolatingInvalidRows } from '../isolate';
import { type Destination, defineDestination } from '../types';
import { classifyTiktokResponse } from './errors';
import {
  buildTiktokLeadDecision,
  buildTiktokPurchaseDecision,
  buildTiktokRequest,
  TIKTOK_MAX_EVENTS,
  type TiktokEvent,
} from './mapping';
import { type TiktokConfig, type TiktokSettings, tiktokSettings } from './settings';

export const TIKTOK_DESTINATION = 'tiktok';
const TIKTOK_REQUEST_TIMEOUT_MS = 30_000;

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
  return defineDestination<TiktokEvent>({
    name: TIKTOK_DESTINATION,
    mappings: {
      lead_closed: (conversion) => buildTiktokLeadDecision(conversion, settings),
      checkout_completed: (conversion) => buildTiktokPurchaseDecision(conversion, settings),
    },
    maxBatchSize: () => TIKTOK_MAX_EVENTS,
    describe: (rows, batch) => buildTiktokRequest(rows, batch, settings),
    async upload(rows, batch, context) {
      const send = async (part: readonly TiktokEvent[]): Promise<BatchAnswer> => {
        const request = buildTiktokRequest(part, batch, settings);
        const response = await postRequest({
          fetch: dependencies.fetch,
          url: request.url,
          headers: { 'content-type': 'application/json', 'access-token': config.accessToken },
          body: JSON.stringify(request.body),
          now: dependencies.now,
          deadline: context.deadline,
          timeoutMs: TIKTOK_REQUEST_TIMEOUT_MS,
        });
        const verdict = classifyTiktokResponse(response, dependencies.now());
        if (verdict.kind === 'error') throw verdict.error;
        return verdict;
      };
      return uploadIsolatingInvalidRows(rows, send);
    },
  });
}

export const tiktokDestination = declareDestination({
  name: TIKTOK_DESTINATION,
  settings: tiktokSettings,
  create: createTiktokDestination,
});
