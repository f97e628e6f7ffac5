import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createBackfillHandler } from '../functions/backfill';
import { createCollectHandler } from '../functions/collect';
import { createHubspotWebhookHandler } from '../functions/hubspot-webhook';
import { createRuntime } from '../functions/runtime';
import type { HttpEvent } from '../lib/http/request';
import { createMetricsRecorder } from '../lib/observability/metrics';
import { startDataManagerStandIn } from './demo-datamanager';
import { ensureTable } from './dynalite';
import { LOCAL_COLLECT_API_KEY, LOCAL_HUBSPOT_CLIENT_SECRET } from './env';
import { resignHubspotEvent } from './hubspot-signing';
import { createLambdaContext } from './lambda-context';
import { buildSubjectReport, formatSubjectReport } from './subject-report';

/**
 * The demo's last step: one close sent for real — to a loopback Data Manager stand-in, on a table of its
 * own — to show what a Data Manager delivery goes through: `accepted` when Google takes the request, then,
 * once the request is GOOGLE_STATUS_CHECK_MINUTES old, the backfill's status call and `processed`. Printed
 * as `npm run status -- --subject` prints it.
 */
export async function showProcessing(options: {
  client: DynamoDBClient;
  endpoint: string;
  clock: { now: number; advance: (ms: number) => number };
  sample: (path: string) => Promise<HttpEvent>;
  leadId: string;
  out: (line?: string) => void;
}): Promise<string> {
  const standIn = await startDataManagerStandIn();
  try {
    const tableName = 'crm-conversions-demo-live';
    await ensureTable(options.client, tableName);
    const runtime = createRuntime(
      {
        TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: options.endpoint,
        AWS_REGION: 'us-east-1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        COLLECT_API_KEYS: LOCAL_COLLECT_API_KEY,
        HUBSPOT_CLIENT_SECRET: LOCAL_HUBSPOT_CLIENT_SECRET,
        GOOGLE_ADS_CUSTOMER_ID: '123-456-7890',
        GOOGLE_ADS_CLIENT_ID: 'demo-client-id.apps.googleusercontent.com',
        GOOGLE_ADS_CLIENT_SECRET: 'demo-client-secret',
        GOOGLE_ADS_REFRESH_TOKEN: 'demo-refresh-token',
        GOOGLE_ADS_CONVERSION_ACTION_WON: '111111111',
        GOOGLE_DATAMANAGER_BASE_URL: standIn.url,
        GOOGLE_OAUTH_TOKEN_URL: `${standIn.url}/token`,
      },
      {
        now: () => options.clock.now,
        dynamo: options.client,
        // The demo's metrics table above is the dry-run story's; this step's counts are not printed.
        metrics: createMetricsRecorder(() => {}),
        fetch: async (input, init) => {
          const url = new URL(String(input instanceof Request ? input.url : input));
          if (url.origin !== standIn.url) throw new Error(`demo: refused a request to ${url.origin}`);
          return fetch(input, init);
        },
      },
    );
    await createCollectHandler(runtime)(
      await options.sample('collect/reshape-lead-created.json'),
      createLambdaContext('collect'),
    );
    options.clock.advance(1000);
    const webhook = resignHubspotEvent(await options.sample('hubspot/workflow-deal-all-properties.json'), {
      clientSecret: LOCAL_HUBSPOT_CLIENT_SECRET,
      now: options.clock.now,
      publicBaseUrl: undefined,
    });
    await createHubspotWebhookHandler(runtime)(webhook, createLambdaContext('hubspot-webhook'));
    const delivery = async () =>
      (await runtime.store.getDeliveries([{ subjectKey: options.leadId, destination: 'google-ads' }]))
        .values()
        .next().value;
    options.out(`   right after the webhook: google-ads ${(await delivery())?.status ?? 'no delivery'}`);
    options.clock.advance(30 * 60_000);
    const result = await createBackfillHandler(runtime)(
      { source: 'schedule' },
      createLambdaContext('backfill'),
    );
    const checked = result.ok && 'processing' in result ? (result.processing?.checked ?? 0) : 0;
    options.out(
      `   30 minutes later, the backfill asks requestStatus:retrieve (${checked} call): google-ads ${(await delivery())?.status ?? 'no delivery'}`,
    );
    const subjects = await runtime.store.getSubjects([options.leadId]);
    const stored = await delivery();
    return formatSubjectReport(
      buildSubjectReport(options.leadId, subjects.get(options.leadId), stored ? [stored] : []),
    );
  } finally {
    await standIn.close();
  }
}
