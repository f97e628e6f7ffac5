import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createBackfillHandler } from '../../functions/backfill';
import type { Runtime } from '../../functions/runtime';
import { SALESFORCE_API_VERSION } from '../../lib/crm/salesforce/settings';
import { META_API_VERSION } from '../../lib/destinations/meta/version';
import { createMetricsRecorder } from '../../lib/observability/metrics';
import { startDataManagerStandIn } from '../demo-datamanager';
import { startMetaStandIn } from '../demo-meta';
import { startSalesforceStandIn } from '../demo-salesforce';
import {
  createDemoClock,
  createDemoRuntime,
  type DemoClock,
  loopbackFetch,
  tellDemoStory,
} from '../demo-story';
import { ensureTable } from '../dynalite';
import { createLambdaContext } from '../lambda-context';

/**
 * The demo's story told into a table for the dashboard (`npm run dashboard -- --demo` and its browser test):
 * as `npm run demo` tells it, but sent for real to loopback stand-ins of Google's Data Manager (which
 * answers SUCCESS once asked for the processing result) and Meta (which refuses the events of
 * `META_REFUSED_LEAD`), then, 31 minutes on, a scheduled backfill that asks Google for its processing
 * results. The stand-ins stay up, so a replay from the dashboard sends again.
 */
export const META_REFUSED_LEAD = 'lead_mno345';

/**
 * One funnel stage before the close (docs/stages.md): a HubSpot deal won implies it, so the dashboard has
 * stages to count and show.
 */
export const DEMO_CONVERSION_STAGES = JSON.stringify([
  {
    name: 'qualified',
    hubspot: { dealStages: ['qualifiedtobuy'] },
    google: { conversionAction: '333333333' },
    meta: { eventName: 'LeadQualified' },
  },
]);

export type DemoData = { runtime: Runtime; clock: DemoClock; stop: () => Promise<void> };

export async function seedDemoData(options: {
  client: DynamoDBClient;
  endpoint: string;
  tableName: string;
}): Promise<DemoData> {
  const clock = createDemoClock();
  const [salesforce, dataManager, meta] = await Promise.all([
    startSalesforceStandIn(SALESFORCE_API_VERSION),
    startDataManagerStandIn(),
    startMetaStandIn({
      apiVersion: META_API_VERSION,
      pixelId: '1234567890123456',
      accessToken: 'demo-meta-access-token',
      refusedLeadId: META_REFUSED_LEAD,
    }),
  ]);
  const stop = async () => {
    await Promise.all([salesforce.close(), dataManager.close(), meta.close()]);
  };
  try {
    await ensureTable(options.client, options.tableName);
    const runtime = createDemoRuntime({
      tableName: options.tableName,
      endpoint: options.endpoint,
      client: options.client,
      clock,
      salesforceUrl: salesforce.url,
      fetch: loopbackFetch(salesforce.url, dataManager.url, meta.url),
      metrics: createMetricsRecorder(() => {}),
      live: { dataManagerUrl: dataManager.url, metaUrl: meta.url, conversionStages: DEMO_CONVERSION_STAGES },
    });
    const silent = { out: () => {}, heading: () => {} };
    await tellDemoStory(runtime, clock, silent);
    clock.advance(31 * 60_000);
    await createBackfillHandler(runtime)({ source: 'schedule' }, createLambdaContext('backfill'));
    return { runtime, clock, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
