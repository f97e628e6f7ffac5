import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloseRecord, DeliveryRecord } from '../lib/domain';
import { createStore } from '../lib/store/store';
import { type DeliveryFilter, listDeliveries } from '../local/dashboard/delivery-list';
import { ensureTable } from '../local/dynalite';
import { readStatusData } from '../local/status-data';
import { startDynaliteProcess } from './dynalite-process';
import { createCapturingStore, writeItems } from './seed-table';

/**
 * `npx tsx bench/dashboard-list.ts`: the dashboard's subjects list over a table of BENCH_DELIVERIES
 * deliveries (100,000 by default; 4 destinations, a realistic mix of statuses, 2 CRMs): each page view's
 * time, DynamoDB calls and deliveries read, beside the one Scan the overview and `npm run status` make.
 * Not a test: nothing here asserts a time. dynalite runs in its own process, with no added latency.
 */
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 100_000);
const TABLE = 'bench-dashboard';
const DESTINATIONS = ['google-ads', 'meta', 'ga4', 'tiktok'];
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** Per 100 deliveries: the status mix. */
const MIX: [DeliveryRecord['status'], number][] = [
  ['processed', 40],
  ['delivered', 30],
  ['accepted', 8],
  ['skipped:consent', 6],
  ['skipped:no_identifier', 4],
  ['failed:invalid_gclid', 3],
  ['failed:not_received', 1],
  ['retry', 4],
  ['waiting_for_lead', 4],
];
const statusOf = (index: number) => {
  let slot = index % 100;
  for (const [status, share] of MIX) {
    if (slot < share) return status;
    slot -= share;
  }
  return 'processed';
};

async function main() {
  const dynamo = await startDynaliteProcess({ latencyMs: 0 });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    await ensureTable(client, TABLE);
    const seeding = createCapturingStore(TABLE);
    const subjects = DELIVERIES / DESTINATIONS.length;
    const started = performance.now();
    for (let subject = 0; subject < subjects; subject++) {
      const subjectKey = `lead-${subject}`;
      const at = T0 + subject * 20_000;
      await seeding.store.putClose(
        {
          subjectKey,
          leadId: subjectKey,
          crm: subject % 3 === 0 ? 'salesforce' : 'hubspot',
          outcome: 'won',
          value: 100,
          currency: 'USD',
          closedAt: at,
          sourceUpdatedAt: at,
          version: 1,
          fingerprint: 'won|100.00|USD',
          recordedAt: at,
          updatedAt: at,
          planned: true,
        } satisfies CloseRecord,
        undefined,
      );
      for (const [index, destination] of DESTINATIONS.entries()) {
        const status = statusOf(subject * DESTINATIONS.length + index);
        const waiting = status === 'retry' || status === 'waiting_for_lead';
        await seeding.store.putDelivery(
          {
            subjectKey,
            destination,
            status,
            subjectVersion: 1,
            attempts: 1,
            createdAt: at,
            updatedAt: at + 1000,
            ...(waiting ? { nextAttemptAt: at + 3_600_000 } : {}),
            ...(status.startsWith('failed:')
              ? { rejectedByPlatform: true, lastError: 'the platform refused it' }
              : {}),
            history: [{ at: at + 1000, kind: 'upload', status, responseId: `req-${subject}` }],
          },
          undefined,
        );
      }
    }
    await writeItems(client, TABLE, seeding.take());
    console.log(
      `seeded ${DELIVERIES} deliveries of ${subjects} closes in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );

    const calls = new Map<string, number>();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.set(String(context.commandName), (calls.get(String(context.commandName)) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchCalls' },
    );
    const store = createStore({ client, tableName: TABLE });
    const views: [string, DeliveryFilter, boolean][] = [
      ['every status, first page', {}, false],
      ['every status, next page', {}, true],
      ['failed', { listing: 'failed' }, false],
      ['meta · skipped · consent', { destination: 'meta', listing: 'skipped', reason: 'consent' }, false],
      ['salesforce · processed', { crm: 'salesforce', listing: 'processed' }, false],
      ['tiktok · waiting', { destination: 'tiktok', listing: 'waiting' }, false],
      ['last change within one hour', { from: T0 + 3_600_000, to: T0 + 7_200_000 - 1 }, false],
    ];
    console.log('\n| page view (50 rows) | rows | deliveries read | DynamoDB calls | time |');
    console.log('|---|---:|---:|---|---:|');
    let cursor: string | undefined;
    for (const [label, filter, next] of views) {
      calls.clear();
      const start = performance.now();
      const page = await listDeliveries(store, filter, { limit: 50, cursor: next ? cursor : undefined });
      const time = performance.now() - start;
      cursor = page.next;
      const summary = [...calls].map(([name, count]) => `${count} ${name.replace('Command', '')}`).join(', ');
      console.log(`| ${label} | ${page.rows.length} | ${page.read} | ${summary} | ${time.toFixed(0)} ms |`);
    }
    calls.clear();
    const start = performance.now();
    await readStatusData(store);
    const summary = [...calls].map(([name, count]) => `${count} ${name.replace('Command', '')}`).join(', ');
    console.log(
      `| overview (the status report's one Scan) | — | ${DELIVERIES} | ${summary} | ${(performance.now() - start).toFixed(0)} ms |`,
    );
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
