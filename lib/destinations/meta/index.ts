import { type DestinationDependencies, declareDestination } from '../definition';
import { createJsonUploader, postJson } from '../json-upload';
import { type Destination, defineDestination } from '../types';
import { decideMetaCheckoutCompleted, type MetaPurchaseEvent } from './checkout-completed';
import { classifyMetaResponse } from './errors';
import { decideMetaLeadClosed, type MetaServerEvent } from './lead-closed';
import { decideMetaLeadStage, type MetaStageEvent } from './lead-stage';
import { buildMetaRequest, META_MAX_EVENTS, serializeMetaBody } from './request';
import { type MetaConfig, type MetaSettings, metaSettings } from './settings';

export const META_DESTINATION = 'meta';
const META_REQUEST_TIMEOUT_MS = 30_000;
const META_DEDUPLICATION_MS = 48 * 3_600_000;

/**
 * Meta Conversions API: `POST {graph}/{version}/{pixel}/events`. The access token travels in the JSON
 * body (`access_token`, a Graph API parameter like any other, as Meta's own SDKs send it) rather than in
 * the query string, so that it never lands in a URL that a proxy or a log might keep.
 */
export function createMetaDestination(
  config: MetaConfig,
  dependencies: DestinationDependencies,
): Destination {
  const settings: MetaSettings = {
    pixelId: config.pixelId,
    eventNaming: config.eventNaming,
    testEventCode: config.testEventCode,
    graphBaseUrl: config.graphBaseUrl,
    apiVersion: config.apiVersion,
  };
  const describe = (rows: readonly unknown[]) => buildMetaRequest(rows, settings);
  return defineDestination<MetaServerEvent | MetaPurchaseEvent | MetaStageEvent>({
    name: META_DESTINATION,
    mappings: {
      lead_closed: (conversion) => decideMetaLeadClosed(conversion, settings),
      checkout_completed: (conversion) => decideMetaCheckoutCompleted(conversion),
      lead_stage: (conversion) => decideMetaLeadStage(conversion),
    },
    maxBatchSize: () => META_MAX_EVENTS,
    // Meta drops a repeat of event_name + event_id within 48 hours; after that it counts twice.
    deduplicationWindowMs: {
      lead_closed: META_DEDUPLICATION_MS,
      checkout_completed: META_DEDUPLICATION_MS,
      lead_stage: META_DEDUPLICATION_MS,
    },
    describe,
    upload: createJsonUploader({
      now: dependencies.now,
      transport: postJson({
        ...dependencies,
        timeoutMs: META_REQUEST_TIMEOUT_MS,
        serialize: serializeMetaBody,
      }),
      describe,
      authorize: (request) => ({
        url: request.url,
        headers: {},
        body: { ...(request.body as object), access_token: config.accessToken },
      }),
      classify: (response, now, rowCount) => classifyMetaResponse(response, now, rowCount),
    }),
  });
}

export const metaDestination = declareDestination({
  name: META_DESTINATION,
  settings: metaSettings,
  create: createMetaDestination,
});
