import { type DestinationDependencies, declareDestination } from '../definition';
import { createJsonUploader, postJson } from '../json-upload';
import { type Destination, defineDestination } from '../types';
import { decideGa4CheckoutCompleted } from './checkout-completed';
import { classifyGa4Response } from './errors';
import type { Ga4Row } from './event';
import { decideGa4LeadClosed } from './lead-closed';
import { decideGa4LeadStage } from './lead-stage';
import { buildGa4Request } from './request';
import { splitByBodySize } from './request-size';
import { type Ga4Config, type Ga4Settings, ga4Settings } from './settings';
import { GA4_MAX_EVENTS } from './validation';

export const GA4_DESTINATION = 'ga4';
const GA4_REQUEST_TIMEOUT_MS = 10_000;

/**
 * GA4 Measurement Protocol: `POST {GA4_BASE_URL}/mp/collect?measurement_id=…&api_secret=…`. The API secret
 * can only travel in the query string (the protocol has no other place for it); it is added here, at the
 * last moment, and is never part of a recorded request or a log line.
 */
export function createGa4Destination(config: Ga4Config, dependencies: DestinationDependencies): Destination {
  const settings: Ga4Settings = {
    measurementId: config.measurementId,
    baseUrl: config.baseUrl,
    leadClosedEvent: config.leadClosedEvent,
    clientIdFallback: config.clientIdFallback,
  };
  const describe = (rows: readonly Ga4Row[]) => buildGa4Request(rows, settings);
  return defineDestination<Ga4Row>({
    name: GA4_DESTINATION,
    mappings: {
      lead_closed: (conversion) => decideGa4LeadClosed(conversion, settings),
      checkout_completed: (conversion) => decideGa4CheckoutCompleted(conversion, settings),
      lead_stage: (conversion) => decideGa4LeadStage(conversion, settings),
    },
    maxBatchSize: () => GA4_MAX_EVENTS,
    // Only purchases are de-duplicated, on transaction_id for the same user (support.google.com/analytics/
    // answer/12313109); the lead events are not, so a close GA4 took is never replayed there.
    deduplicationWindowMs: { checkout_completed: Number.POSITIVE_INFINITY },
    describe,
    upload: createJsonUploader({
      now: dependencies.now,
      transport: postJson({ ...dependencies, timeoutMs: GA4_REQUEST_TIMEOUT_MS }),
      describe,
      authorize: (request) => ({
        url: `${request.url}&api_secret=${encodeURIComponent(config.apiSecret)}`,
        headers: {},
        body: request.body,
      }),
      classify: (response, now) => classifyGa4Response(response, now),
      // Under 130 kB a request: a batch too large for one body goes as several, in order.
      split: (rows) => splitByBodySize(rows, describe),
    }),
  });
}

export const ga4Destination = declareDestination({
  name: GA4_DESTINATION,
  settings: ga4Settings,
  create: createGa4Destination,
});
