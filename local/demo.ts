import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BackfillResult, createBackfillHandler } from '../functions/backfill';
import { createCollectHandler } from '../functions/collect';
import { createHubspotWebhookHandler } from '../functions/hubspot-webhook';
import { createRuntime, type Runtime } from '../functions/runtime';
import { createSalesforceWebhookHandler } from '../functions/salesforce-webhook';
import { SALESFORCE_API_VERSION } from '../lib/crm/salesforce/settings';
import type { DeliveryRecord } from '../lib/domain';
import type { HttpEvent, HttpResult } from '../lib/http/request';
import { createMetricsRecorder } from '../lib/observability/metrics';
import { deliveryRefKey } from '../lib/store/deliveries';
import { closeHeadline, columns, deliveryLines, metricRows } from './demo-print';
import { showProcessing } from './demo-processing';
import { DEMO_SALESFORCE_TOKEN, LOST_WEBHOOK_OPPORTUNITY, startSalesforceStandIn } from './demo-salesforce';
import { ensureTable, startDynalite } from './dynalite';
import {
  LOCAL_COLLECT_API_KEY,
  LOCAL_HUBSPOT_CLIENT_SECRET,
  LOCAL_SALESFORCE_ORG_ID,
  LOCAL_SALESFORCE_WEBHOOK_TOKEN,
} from './env';
import { resignHubspotEvent } from './hubspot-signing';
import { createLambdaContext } from './lambda-context';

/**
 * `npm run demo`: the whole loop on this machine, through the deployed handlers, with nothing but `npm ci`.
 * An embedded DynamoDB (dynalite, in-process, loopback); Google Ads and Meta enabled in DRY_RUN with
 * placeholder accounts, so every payload is built exactly and recorded, and nothing is sent; HubSpot
 * closes arrive as workflow "Send a webhook" calls carrying every deal property (so no HubSpot API is
 * needed); the backfill polls a Salesforce stand-in on loopback that holds one close whose webhook never
 * came. Every request the connector tries to make outside loopback is refused, so the demo cannot reach
 * the internet whatever the shell's environment holds: the configuration is built here, not read from it.
 */

/** The samples in events/ were captured around this time; the story runs on a clock starting here. */
const DEMO_START = Date.parse('2026-11-23T16:00:00Z');
const EVENTS = join(__dirname, '..', 'events');
const CROCT_LEAD_ID = LOST_WEBHOOK_OPPORTUNITY.Lead_ID__c;

const out = (line = '') => process.stdout.write(`${line}\n`);
const heading = (number: number, title: string) => out(`\n${number}  ${title}`);

async function sample(path: string): Promise<HttpEvent> {
  return JSON.parse(await readFile(join(EVENTS, path), 'utf8')) as HttpEvent;
}

function bodyOf(result: HttpResult): Record<string, unknown> {
  try {
    return JSON.parse(result.body ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** fetch for the demo: loopback only (the Salesforce stand-in); anything else is a bug, and says so. */
function loopbackFetch(allowedOrigin: string): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.origin !== allowedOrigin) {
      throw new Error(`demo: refused a request to ${url.origin} (the demo never leaves this machine)`);
    }
    return fetch(input, init);
  };
}

async function main(): Promise<number> {
  const clock = { now: DEMO_START, advance: (ms: number) => (clock.now += ms) };
  const dynamo = await startDynalite({ port: 0 });
  const standIn = await startSalesforceStandIn(SALESFORCE_API_VERSION);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  });
  try {
    const tableName = 'crm-conversions-demo';
    await ensureTable(client, tableName);
    const published: { name: string; dimensions: Record<string, string>; value: number }[] = [];
    const runtime: Runtime = createRuntime(
      {
        TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_REGION: 'us-east-1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        COLLECT_API_KEYS: LOCAL_COLLECT_API_KEY,
        HUBSPOT_CLIENT_SECRET: LOCAL_HUBSPOT_CLIENT_SECRET,
        SALESFORCE_ORG_ID: LOCAL_SALESFORCE_ORG_ID,
        SALESFORCE_WEBHOOK_TOKEN: LOCAL_SALESFORCE_WEBHOOK_TOKEN,
        SALESFORCE_INSTANCE_URL: standIn.url,
        SALESFORCE_ACCESS_TOKEN: DEMO_SALESFORCE_TOKEN,
        DRY_RUN: 'true',
        GOOGLE_ADS_CUSTOMER_ID: '123-456-7890',
        GOOGLE_ADS_CLIENT_ID: 'demo-client-id.apps.googleusercontent.com',
        GOOGLE_ADS_CLIENT_SECRET: 'demo-client-secret',
        GOOGLE_ADS_REFRESH_TOKEN: 'demo-refresh-token',
        GOOGLE_ADS_CONVERSION_ACTION_WON: '111111111',
        GOOGLE_ADS_CONVERSION_ACTION_LOST: '222222222',
        META_PIXEL_ID: '1234567890123456',
        META_ACCESS_TOKEN: 'demo-meta-access-token',
      },
      {
        now: () => clock.now,
        dynamo: client,
        fetch: loopbackFetch(standIn.url),
        metrics: createMetricsRecorder((name, dimensions, value) =>
          published.push({ name, dimensions, value }),
        ),
      },
    );
    const collect = createCollectHandler(runtime);
    const hubspot = createHubspotWebhookHandler(runtime);
    const salesforce = createSalesforceWebhookHandler(runtime);
    const backfill = createBackfillHandler(runtime);

    out('crm-conversions demo: CRM closes → offline conversions, end to end on this machine');
    out(
      `   embedded DynamoDB ${dynamo.endpoint} · Google Ads and Meta in DRY_RUN (placeholder accounts) · no network`,
    );
    out(
      `   clock starts at ${new Date(DEMO_START).toISOString().replace('.000Z', 'Z')}, the time of the samples in events/`,
    );

    const capture = async (file: string) => {
      const result = (await collect(await sample(file), createLambdaContext('collect'))) as HttpResult;
      const accepted = (bodyOf(result).accepted as string[] | undefined) ?? [];
      return [String(result.statusCode), accepted.join(', '), `events/${file}`];
    };
    heading(1, 'Leads are captured on the website (POST /v1/events → collect)');
    out(
      columns(
        [
          await capture('collect/reshape-lead-created.json'),
          await capture('collect/croct-lead-generated.json'),
          await capture('collect/reshape-lead-for-lost-deal.json'),
          await capture('collect/reshape-lead-without-marketing-consent.json'),
        ],
        '   ',
      ),
    );

    const hubspotCall = async (file: string, label: string) => {
      clock.advance(1000);
      const event = resignHubspotEvent(await sample(file), {
        clientSecret: LOCAL_HUBSPOT_CLIENT_SECRET,
        now: clock.now,
        publicBaseUrl: undefined,
      });
      const result = (await hubspot(event, createLambdaContext('hubspot-webhook'))) as HttpResult;
      const recorded = Number(bodyOf(result).recorded ?? 0);
      return [
        String(result.statusCode),
        'HubSpot',
        label,
        recorded > 0 ? `recorded ${recorded}` : 'nothing new',
        `events/${file}`,
      ];
    };
    const salesforceCall = async (file: string, label: string) => {
      clock.advance(1000);
      const result = (await salesforce(
        await sample(file),
        createLambdaContext('salesforce-webhook'),
      )) as HttpResult;
      const recorded = Number(bodyOf(result).recorded ?? 0);
      return [
        String(result.statusCode),
        'Salesforce',
        label,
        recorded > 0 ? `recorded ${recorded}` : 'nothing new',
        `events/${file}`,
      ];
    };
    heading(2, 'Deals close in the CRMs; their webhooks call the connector');
    out(
      columns(
        [
          await hubspotCall('hubspot/workflow-deal-all-properties.json', 'workflow webhook: deal won'),
          await hubspotCall('hubspot/workflow-deal-all-properties.json', 'the same call again (a duplicate)'),
          await hubspotCall('hubspot/workflow-custom-body.json', 'workflow webhook: deal lost'),
          await salesforceCall('salesforce/flow-opportunity-record.json', 'Flow callout: opportunity lost'),
          await salesforceCall('salesforce/flow-opportunity-envelope.json', 'Flow callout: opportunity won'),
        ],
        '   ',
      ),
    );
    out(
      '   Each close is recorded before the answer, then sent inline. lead_jkl012 has no lead yet: it waits.',
    );

    heading(3, "A lead arrives after its deal closed: the close's waiting deliveries go out at once");
    clock.advance(5 * 60_000);
    out(columns([await capture('collect/reshape-lead-after-its-close.json')], '   '));

    heading(4, 'The scheduled backfill runs (events/backfill/scheduled.json)');
    clock.advance(15 * 60_000);
    const result: BackfillResult = await backfill(
      await readFile(join(EVENTS, 'backfill', 'scheduled.json'), 'utf8').then((text) => JSON.parse(text)),
      createLambdaContext('backfill'),
    );
    if (!result.ok) throw new Error(`backfill refused its input: ${JSON.stringify(result.issues)}`);
    if ('replay' in result) throw new Error('the scheduled backfill answered as a replay');
    const sf = result.crm.salesforce;
    const hs = result.crm.hubspot;
    out(
      columns(
        [
          [
            'Salesforce',
            `polled ${sf.range?.since.slice(0, 16)}Z → ${sf.range?.until.slice(0, 16)}Z in ${sf.requests} SOQL queries (loopback stand-in)`,
          ],
          [
            '',
            `${sf.found} close found whose webhook never came → recorded ${sf.recorded}: opportunity ${LOST_WEBHOOK_OPPORTUNITY.Id}`,
          ],
          [
            'HubSpot',
            `not polled: ${hs.reason ?? hs.status} (the demo's HubSpot closes come from workflow webhooks)`,
          ],
          [
            'due work',
            `${result.due.read} due items read · deliveries ${
              Object.entries(result.deliveries)
                .map(([destination, statuses]) =>
                  Object.entries(statuses)
                    .map(([status, count]) => `${destination} ${status} ${count}`)
                    .join(', '),
                )
                .join(' · ') || 'none'
            } · more: ${result.more}`,
          ],
        ],
        '   ',
      ),
    );

    heading(5, 'What each destination would receive, per close');
    const closeKeys = ['lead_abc123', 'lead_def456', 'lead_mno345', 'lead_jkl012', CROCT_LEAD_ID];
    const closes = await runtime.store.getCloses(closeKeys);
    const deliveries = await runtime.store.getDeliveries(
      closeKeys.flatMap((subjectKey) =>
        runtime.destinations.map((destination) => ({ subjectKey, destination: destination.name })),
      ),
    );
    const notes: Record<string, string> = {
      lead_abc123: 'HubSpot workflow webhook, sent twice: the duplicate changed nothing and sent nothing',
      lead_def456: 'HubSpot workflow webhook; the lead refused marketing consent',
      lead_mno345: 'Salesforce Flow callout',
      lead_jkl012: 'Salesforce Flow callout before its lead existed; sent when the lead arrived',
      [CROCT_LEAD_ID]: 'found by the backfill polling Salesforce: its webhook never came',
    };
    const all: DeliveryRecord[] = [];
    for (const subjectKey of closeKeys) {
      const close = closes.get(subjectKey);
      if (!close) {
        out(`\n   ${subjectKey}: no close recorded`);
        continue;
      }
      out(`\n   ${closeHeadline(close)}`);
      out(`      how it came: ${notes[subjectKey] ?? close.crm}`);
      for (const destination of runtime.destinations) {
        const delivery = deliveries.get(deliveryRefKey({ subjectKey, destination: destination.name }));
        if (!delivery) {
          out(`      ${destination.name.padEnd(11)} no delivery yet`);
          continue;
        }
        all.push(delivery);
        for (const line of deliveryLines(delivery, '      ')) out(line);
      }
    }

    heading(6, 'Totals');
    const statuses = [...new Set(all.map((delivery) => delivery.status))].sort();
    out(
      columns(
        [
          ['destination', ...statuses],
          ...runtime.destinations.map((destination) => [
            destination.name,
            ...statuses.map((status) =>
              String(all.filter((d) => d.destination === destination.name && d.status === status).length),
            ),
          ]),
        ],
        '   ',
      ),
    );
    out('\n   Metrics the functions published (CloudWatch EMF in Lambda):');
    out(columns([['metric', 'dimensions', 'count'], ...metricRows(published)], '   '));
    heading(7, "Google's processing result: one close sent for real, to a loopback Data Manager stand-in");
    const story = await showProcessing({
      client,
      endpoint: dynamo.endpoint,
      clock,
      sample,
      leadId: 'lead_abc123',
      out,
    });
    out(`\n   npm run status -- --subject lead_abc123:\n${story.replace(/^(?=.)/gm, '      ')}`);
    out(
      '\nNothing left this machine: with DRY_RUN off and real credentials, the same payloads go to the platforms.',
    );
    out(
      'Next: `npm start` serves these routes on :3000; `npm run invoke -- backfill events/backfill/dry-run.json`.',
    );
    return 0;
  } finally {
    client.destroy();
    await standIn.close();
    await dynamo.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`demo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
