import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureBackfill } from './backfill';
import { formatColdStart, measureColdStart } from './cold-start';
import { measureWebhookPath } from './webhook-path';

/**
 * `npm run bench`: the three benchmarks of issue 8, printed and written to bench/RESULTS.md.
 * Not tests: nothing here asserts a time. Everything runs in this process against dynalite and loopback
 * fakes, so absolute times are this machine's; the ratios and call counts are what carry over.
 */
const fixed = (value: number, digits = 1) => value.toFixed(digits);

async function main() {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.error('(a) webhook path…');
  const webhook = await measureWebhookPath({
    iterations: Number(process.env.BENCH_ITERATIONS ?? 1000),
    warmup: 50,
  });
  console.error('(b) backfill…');
  const backfill = await measureBackfill({ closes: Number(process.env.BENCH_CLOSES ?? 5000) });
  console.error('(c) cold start…');
  const cold = await measureColdStart();

  const lines = [
    '# Benchmark results',
    '',
    `Made by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} — ${machine}. DynamoDB is dynalite and every`,
    'platform a loopback fake, all in one process: absolute times are this machine’s, ratios and counts carry over.',
    '',
    '## (a) Webhook path: HubSpot closed-won webhook → enrichment → close recorded → joined → Data Manager + Meta',
    '',
    `${webhook.iterations} webhooks after warm-up, each a new close of a captured lead. The floor replays, bare, the exact`,
    'DynamoDB commands (SDK `send`) and HTTP requests (`fetch`) the path made, with the same concurrency, in the same run.',
    '',
    '| | p50 | p99 |',
    '|---|---:|---:|',
    `| path | ${fixed(webhook.path.p50)} ms | ${fixed(webhook.path.p99)} ms |`,
    `| floor | ${fixed(webhook.floor.p50)} ms | ${fixed(webhook.floor.p99)} ms |`,
    `| ratio | **${fixed(webhook.ratio.p50, 2)}×** | **${fixed(webhook.ratio.p99, 2)}×** |`,
    '',
    `Calls per close: ${webhook.callsPerClose.dynamodb} DynamoDB (${Object.entries(webhook.dynamoCommands)
      .map(([name, count]) => `${fixed(count, 1)} ${name.replace('Command', '')}`)
      .join(
        ', ',
      )}), ${webhook.callsPerClose.http} HTTP (3 HubSpot API, 1 Data Manager, 1 Meta; OAuth token cached).`,
    '',
    '## (b) Backfill: 10,000 due deliveries through the backfill handler',
    '',
    '| scenario | conversions | wall time | DynamoDB calls / 1,000 | minimum / 1,000 | Data Manager requests (min) | Meta requests (min) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...backfill.map(
      (row) =>
        `| ${row.scenario === 'fresh' ? 'fresh closes, never dispatched' : 'due retries after an outage'} | ${row.conversions} | ${fixed(row.wallMs / 1000)} s | ${fixed(row.dynamoPer1000)} | ${fixed(row.dynamoMinimumPer1000)} | ${row.platformRequests.dataManager} (${row.platformMinimum.dataManager}) | ${row.platformRequests.meta} (${row.platformMinimum.meta}) |`,
    ),
    '',
    'A conversion is one close uploaded to one platform. Minimum: one conditional write per delivery, plus (fresh) one',
    '"planned" mark per close, plus reads batched by 100 and the index read in pages. Calls by command:',
    ...backfill.map((row) => `- ${row.scenario}: ${JSON.stringify(row.dynamoCalls)}`),
    '',
    '## (c) Cold start: bundle size and import time',
    '',
    'Each function bundle as deployed (minified CJS, AWS SDK from the Lambda runtime, Powertools from its layer — both',
    'loaded from node_modules here), imported in a fresh Node process; median of 15. The reference: a bundle that only',
    'creates a DynamoDB client.',
    '',
    formatColdStart(cold),
    '',
  ];
  const text = lines.join('\n');
  writeFileSync(join(__dirname, 'RESULTS.md'), text);
  console.log(text);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
