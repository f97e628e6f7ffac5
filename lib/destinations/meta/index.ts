import { type DestinationDependencies, declareDestination } from '../definition';
import { postRequest } from '../http';
import { type BatchAnswer, uploadIsolatingInvalidRows } from '../isolate';
import { type Destination, defineDestination } from '../types';
import { classifyMetaResponse } from './errors';
import { buildMetaDecision, buildMetaRequest, META_MAX_EVENTS, type MetaServerEvent } from './mapping';
import { buildMetaPurchaseDecision, type MetaPurchaseEvent } from './purchase-mapping';
import { type MetaConfig, type MetaSettings, metaSettings } from './settings';

export const META_DESTINATION = 'meta';
const META_REQUEST_TIMEOUT_MS = 30_000;

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
  return defineDestination<MetaServerEvent | MetaPurchaseEvent>({
    name: META_DESTINATION,
    mappings: {
      lead_closed: (conversion) => buildMetaDecision(conversion, settings),
      checkout_completed: (conversion) => buildMetaPurchaseDecision(conversion),
    },
    maxBatchSize: () => META_MAX_EVENTS,
    describe: (rows) => buildMetaRequest(rows, settings),
    async upload(rows, _batch, context) {
      const send = async (part: readonly (MetaServerEvent | MetaPurchaseEvent)[]): Promise<BatchAnswer> => {
        const request = buildMetaRequest(part, settings);
        const response = await postRequest({
          fetch: dependencies.fetch,
          url: request.url,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...(request.body as object), access_token: config.accessToken }),
          now: dependencies.now,
          deadline: context.deadline,
          timeoutMs: META_REQUEST_TIMEOUT_MS,
        });
        const verdict = classifyMetaResponse(response, dependencies.now());
        if (verdict.kind === 'error') throw verdict.error;
        return verdict;
      };
      return uploadIsolatingInvalidRows(rows, send);
    },
  });
}

export const metaDestination = declareDestination({
  name: META_DESTINATION,
  settings: metaSettings,
  create: createMetaDestination,
});
