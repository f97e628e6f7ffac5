import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SALESFORCE_API_VERSION } from '../lib/crm/salesforce/settings';
import { type DeliveryRecord, isStageSubject, stageSubjectKey } from '../lib/domain';
import { createMetricsRecorder } from '../lib/observability/metrics';
import { deliveryRefKey } from '../lib/store/deliveries';
import { closeHeadline, columns, deliveryLines, metricRows } from './demo-print';
import { showProcessing } from './demo-processing';
import { startSalesforceStandIn } from './demo-salesforce';
import {
  CROCT_LEAD_ID,
  createDemoClock,
  createDemoRuntime,
  DEMO_CLOSE_KEYS,
  DEMO_STAGES,
  DEMO_START,
  loopbackFetch,
  sample,
  tellDemoStory,
} from './demo-story';
import { ensureTable, startDynalite } from './dynalite';

/**
 * `npm run demo`: the whole loop on this machine, through the deployed handlers, with nothing but `npm ci`.
 * An embedded DynamoDB (dynalite, in-process, loopback); Google Ads and Meta enabled in DRY_RUN with
 * placeholder accounts, so every payload is built exactly and recorded, and nothing is sent; HubSpot
 * closes arrive as workflow "Send a webhook" calls carrying every deal property (so no HubSpot API is
 * needed); the backfill polls a Salesforce stand-in on loopback that holds one close whose webhook never
 * came. Every request the connector tries to make outside loopback is refused, so the demo cannot reach
 * the internet whatever the shell's environment holds: the configuration is built here, not read from it.
 */

const out = (line = '') => process.stdout.write(`${line}\n`);
const heading = (number: number, title: string) => out(`\n${number}  ${title}`);

async function main(): Promise<number> {
  const clock = createDemoClock();
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
    const runtime = createDemoRuntime({
      tableName,
      endpoint: dynamo.endpoint,
      client,
      clock,
      salesforceUrl: standIn.url,
      fetch: loopbackFetch(standIn.url),
      metrics: createMetricsRecorder((name, dimensions, value) =>
        published.push({ name, dimensions, value }),
      ),
    });

    out('crm-conversions demo: CRM closes → offline conversions, end to end on this machine');
    out(
      `   embedded DynamoDB ${dynamo.endpoint} · Google Ads and Meta in DRY_RUN (placeholder accounts) · no network`,
    );
    out(
      `   clock starts at ${new Date(DEMO_START).toISOString().replace('.000Z', 'Z')}, the time of the samples in events/`,
    );

    await tellDemoStory(runtime, clock, { out, heading }, { stageChanges: true });

    heading(5, 'What each destination would receive, per close');
    const closeKeys = DEMO_CLOSE_KEYS;
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

    out('\n   Funnel stages lead_abc123 reached before its close (CONVERSION_STAGES, docs/stages.md):');
    const stageKeys = DEMO_STAGES.map((stage) => stageSubjectKey(stage.name, 'lead_abc123'));
    const [stages, stageDeliveries] = await Promise.all([
      runtime.store.getSubjects(stageKeys),
      runtime.store.getDeliveries(
        stageKeys.flatMap((subjectKey) =>
          runtime.destinations.map((destination) => ({ subjectKey, destination: destination.name })),
        ),
      ),
    ]);
    for (const subjectKey of stageKeys) {
      const stage = stages.get(subjectKey);
      if (!stage || !isStageSubject(stage)) continue;
      out(
        `\n   ${subjectKey} · ${stage.stage}${stage.value === undefined ? '' : ` ${stage.value} ${stage.currency}`} · reached ${new Date(stage.reachedAt).toISOString().replace('.000Z', 'Z')}`,
      );
      for (const delivery of stageDeliveries.values()) {
        if (delivery.subjectKey !== subjectKey) continue;
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
