import type { DestinationDependencies } from '../../definition';
import { createJsonUploader } from '../../json-upload';
import { type Destination, defineDestination, type RowOutcome, type UploadResult } from '../../types';
import type { GoogleTokenProvider } from '../oauth';
import { DAY_MS } from '../rules';
import type { GoogleAdsConfig } from '../settings';
import { createGoogleTransport, failUnauthenticated } from '../token-transport';
import { decideDataManagerCheckoutCompleted } from './checkout-completed';
import { classifyDataManagerResponse } from './errors';
import { DATA_MANAGER_MAX_EVENTS, type DataManagerEvent } from './event';
import { decideDataManagerLeadClosed } from './lead-closed';
import { decideDataManagerLeadStage } from './lead-stage';
import { buildDataManagerRequest, type DataManagerSettings } from './request';
import { createRequestStatusSource } from './request-status-client';

/**
 * Google through Data Manager: `POST {base}/v1/events:ingest` with an OAuth bearer token and no developer
 * token (Data Manager has none). Rows the platform rejects are isolated so the good ones go through; Data
 * Manager processes uploads later, so each request's result is asked for once it is old enough.
 */
export function createDataManagerDestination(
  name: string,
  config: GoogleAdsConfig,
  tokens: GoogleTokenProvider,
  dependencies: DestinationDependencies,
): Destination {
  const settings: DataManagerSettings = {
    customerId: config.customerId,
    loginCustomerId: config.loginCustomerId,
    actions: {
      won: config.conversionActionWon,
      lost: config.conversionActionLost,
      purchase: config.conversionActionPurchase,
    },
    baseUrl: config.dataManagerBaseUrl,
    clickWindowMs: config.clickWindowDays * DAY_MS,
  };
  const purchase = {
    actions: settings.actions,
    merchantCenterId: config.merchantCenterId,
    clickWindowMs: settings.clickWindowMs,
  };
  const describe = (rows: readonly DataManagerEvent[]) => buildDataManagerRequest(rows, settings);
  const upload = createJsonUploader({
    now: dependencies.now,
    transport: createGoogleTransport({ tokens, ...dependencies }),
    describe,
    classify: (response, now) =>
      failUnauthenticated(classifyDataManagerResponse(response, now), 'Data Manager'),
  });
  return defineDestination<DataManagerEvent>({
    name,
    mappings: {
      lead_closed: (conversion) => decideDataManagerLeadClosed(conversion, settings),
      checkout_completed: (conversion) => decideDataManagerCheckoutCompleted(conversion, purchase),
      lead_stage: (conversion) => decideDataManagerLeadStage(conversion, settings),
    },
    maxBatchSize: () => DATA_MANAGER_MAX_EVENTS,
    // A transactionId already counted is PROCESSING_ERROR_REASON_DUPLICATE_TRANSACTION_ID (processing_errors.proto).
    deduplicationWindowMs: {
      lead_closed: Number.POSITIVE_INFINITY,
      checkout_completed: Number.POSITIVE_INFINITY,
      lead_stage: Number.POSITIVE_INFINITY,
    },
    describe,
    upload: async (rows, batch, context) => acceptedUntilProcessed(await upload(rows, batch, context)),
    processing: createRequestStatusSource({
      baseUrl: config.dataManagerBaseUrl,
      checkDelayMs: config.statusCheckMinutes * 60_000,
      tokens,
      ...dependencies,
    }),
  });
}

/**
 * A 200 means valid, not counted: the events are processed later and the request's result is asked for by
 * its requestId (platform-apis.md §7; ./request-status-client.ts), so a row Google took is `accepted`.
 */
function acceptedUntilProcessed(result: UploadResult): UploadResult {
  const outcomes = result.outcomes.map(
    (outcome): RowOutcome =>
      outcome.kind === 'delivered' && outcome.responseId
        ? { kind: 'accepted', responseId: outcome.responseId }
        : outcome,
  );
  return { outcomes, requests: result.requests };
}
