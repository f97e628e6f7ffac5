import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BackfillResult, createBackfillHandler } from '../functions/backfill';
import { createCollectHandler } from '../functions/collect';
import { createHubspotWebhookHandler } from '../functions/hubspot-webhook';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../functions/runtime';
import { createSalesforceWebhookHandler } from '../functions/salesforce-webhook';
import type { HttpEvent, HttpResult } from '../lib/http/request';
import { columns } from './demo-print';
import { DEMO_SALESFORCE_TOKEN, LOST_WEBHOOK_OPPORTUNITY } from './demo-salesforce';
import {
  LOCAL_COLLECT_API_KEY,
  LOCAL_HUBSPOT_CLIENT_SECRET,
  LOCAL_SALESFORCE_ORG_ID,
  LOCAL_SALESFORCE_WEBHOOK_TOKEN,
} from './env';
import { resignHubspotEvent } from './hubspot-signing';
import { createLambdaContext } from './lambda-context';

/**
 * The demo's story, told through the deployed handlers on a clock of its own: four leads captured, five
 * CRM closes by webhook (one a duplicate, one before its lead), the late lead, then the scheduled backfill
 * polling the Salesforce stand-in for the close whose webhook never came. `npm run demo` tells it with
 * every destination in DRY_RUN and prints each step; `npm run dashboard -- --demo` and the dashboard's
 * browser test tell it silently, sending to loopback stand-ins, and show what it left in the table.
 */

/** The samples in events/ were captured around this time; the story runs on a clock starting here. */
export const DEMO_START = Date.parse('2026-11-23T16:00:00Z');
const EVENTS = join(__dirname, '..', 'events');
export const CROCT_LEAD_ID = LOST_WEBHOOK_OPPORTUNITY.Lead_ID__c;
/** The closes the story records. */
export const DEMO_CLOSE_KEYS = ['lead_abc123', 'lead_def456', 'lead_mno345', 'lead_jkl012', CROCT_LEAD_ID];

export type DemoClock = { now: number; advance: (ms: number) => number };

export function createDemoClock(start = DEMO_START): DemoClock {
  const clock = { now: start, advance: (ms: number) => (clock.now += ms) };
  return clock;
}

export async function sample(path: string): Promise<HttpEvent> {
  return JSON.parse(await readFile(join(EVENTS, path), 'utf8')) as HttpEvent;
}

function bodyOf(result: HttpResult): Record<string, unknown> {
  try {
    return JSON.parse(result.body ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** fetch for the demo: loopback stand-ins only; anything else is a bug, and says so. */
export function loopbackFetch(...allowedOrigins: string[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (!allowedOrigins.includes(url.origin)) {
      throw new Error(`demo: refused a request to ${url.origin} (the demo never leaves this machine)`);
    }
    return fetch(input, init);
  };
}

/** `npm run demo`'s funnel (docs/stages.md): a qualified deal and a sent contract, each its own Google action and Meta event. */
export const DEMO_STAGES = [
  {
    name: 'qualified',
    hubspot: { dealStages: ['qualifiedtobuy'] },
    value: { fixed: 250, currency: 'USD' },
    google: { conversionAction: '333333331' },
    meta: { eventName: 'LeadQualified' },
  },
  {
    name: 'proposal',
    hubspot: { dealStages: ['contractsent'] },
    value: { fractionOfAmount: 0.2 },
    google: { conversionAction: '333333332' },
    meta: { eventName: 'LeadProposal' },
  },
];

/**
 * The demo's runtime: its own configuration, never the shell's. Google Ads and Meta with placeholder
 * accounts — in DRY_RUN, or sending to the loopback stand-ins `live` names.
 */
export function createDemoRuntime(options: {
  tableName: string;
  endpoint: string;
  client: DynamoDBClient;
  clock: DemoClock;
  salesforceUrl: string;
  fetch: typeof fetch;
  metrics: NonNullable<RuntimeOverrides['metrics']>;
  live?: { dataManagerUrl: string; metaUrl: string; conversionStages?: string };
}): Runtime {
  const { live } = options;
  return createRuntime(
    {
      TABLE_NAME: options.tableName,
      DYNAMODB_ENDPOINT: options.endpoint,
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      COLLECT_API_KEYS: LOCAL_COLLECT_API_KEY,
      HUBSPOT_CLIENT_SECRET: LOCAL_HUBSPOT_CLIENT_SECRET,
      SALESFORCE_ORG_ID: LOCAL_SALESFORCE_ORG_ID,
      SALESFORCE_WEBHOOK_TOKEN: LOCAL_SALESFORCE_WEBHOOK_TOKEN,
      SALESFORCE_INSTANCE_URL: options.salesforceUrl,
      SALESFORCE_ACCESS_TOKEN: DEMO_SALESFORCE_TOKEN,
      ...(live
        ? {
            GOOGLE_DATAMANAGER_BASE_URL: live.dataManagerUrl,
            GOOGLE_OAUTH_TOKEN_URL: `${live.dataManagerUrl}/token`,
            META_GRAPH_BASE_URL: live.metaUrl,
            ...(live.conversionStages ? { CONVERSION_STAGES: live.conversionStages } : {}),
          }
        : { DRY_RUN: 'true', CONVERSION_STAGES: JSON.stringify(DEMO_STAGES) }),
      GOOGLE_ADS_CUSTOMER_ID: '123-456-7890',
      GOOGLE_ADS_CLIENT_ID: 'demo-client-id.apps.googleusercontent.com',
      GOOGLE_ADS_CLIENT_SECRET: 'demo-client-secret',
      GOOGLE_ADS_REFRESH_TOKEN: 'demo-refresh-token',
      GOOGLE_ADS_CONVERSION_ACTION_WON: '111111111',
      GOOGLE_ADS_CONVERSION_ACTION_LOST: '222222222',
      META_PIXEL_ID: '1234567890123456',
      META_ACCESS_TOKEN: 'demo-meta-access-token',
    },
    { now: () => options.clock.now, dynamo: options.client, fetch: options.fetch, metrics: options.metrics },
  );
}

/** Steps 1 to 4 of the demo, printed through `out` and `heading` (no-ops to tell it silently). */
export async function tellDemoStory(
  runtime: Runtime,
  clock: DemoClock,
  print: { out: (line?: string) => void; heading: (number: number, title: string) => void },
  /** `npm run demo`: lead_abc123's deal reaches two funnel stages before it is won. */
  story: { stageChanges?: boolean } = {},
): Promise<BackfillResult> {
  const { out, heading } = print;
  const collect = createCollectHandler(runtime);
  const hubspot = createHubspotWebhookHandler(runtime);
  const salesforce = createSalesforceWebhookHandler(runtime);
  const backfill = createBackfillHandler(runtime);

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

  const webhookRow = (result: HttpResult, crm: string, label: string, file: string) => {
    const recorded = Number(bodyOf(result).recorded ?? 0);
    const stages = Number(bodyOf(result).stages ?? 0);
    return [
      String(result.statusCode),
      crm,
      label,
      recorded > 0 ? `recorded ${recorded}` : stages > 0 ? `stage recorded ${stages}` : 'nothing new',
      `events/${file}`,
    ];
  };
  const hubspotCall = async (file: string, label: string) => {
    clock.advance(1000);
    const event = resignHubspotEvent(await sample(file), {
      clientSecret: LOCAL_HUBSPOT_CLIENT_SECRET,
      now: clock.now,
      publicBaseUrl: undefined,
    });
    const result = (await hubspot(event, createLambdaContext('hubspot-webhook'))) as HttpResult;
    return webhookRow(result, 'HubSpot', label, file);
  };
  const salesforceCall = async (file: string, label: string) => {
    clock.advance(1000);
    const result = (await salesforce(
      await sample(file),
      createLambdaContext('salesforce-webhook'),
    )) as HttpResult;
    return webhookRow(result, 'Salesforce', label, file);
  };
  heading(2, 'Deals close in the CRMs; their webhooks call the connector');
  out(
    columns(
      [
        ...(story.stageChanges
          ? [
              await hubspotCall(
                'hubspot/stage-workflow-deal-qualified.json',
                'workflow webhook: deal qualified',
              ),
              await hubspotCall(
                'hubspot/stage-workflow-deal-contract-sent.json',
                'workflow webhook: contract sent',
              ),
            ]
          : []),
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
  if (story.stageChanges) {
    out(
      '   lead_abc123 reached two funnel stages before its close: each stage is sent once, at the time it was reached.',
    );
  }

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

  return result;
}
