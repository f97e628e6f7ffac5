import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { type BackfillScenario, measureBackfill } from './backfill';
import { formatColdStart, measureColdStart } from './cold-start';
import { type CollectBatchFigures, measureCollectBatch } from './collect-batch';
import { type CostRow, costPerMillionConversions, formatCostTable, PRICES } from './cost';
import { describeLatencyModel, parseLatencyModel } from './latency-model';
import { measureWebhookPath, type PathFigures, WEBHOOK_MEMORY_MB } from './webhook-path';

/**
 * `npm run bench`: the webhook path and collect under the latency model (issue 19), the backfill at
 * 100,000 deliveries, the cost per million conversions and the cold start — printed and written to
 * bench/RESULTS.md. Not tests: nothing here asserts a time. DynamoDB is dynalite (in its own process) and
 * every platform a loopback fake, each behind a proxy that adds its round trip.
 * Knobs: BENCH_LATENCY_MS ("dynamodb=8,meta=150"), BENCH_LATENCY_ITERATIONS (closes per CRM, 100),
 * BENCH_CLOSES (backfill closes, 50,000 = 100,000 deliveries).
 */
const fixed = (value: number, digits = 1) => value.toFixed(digits);
const ms = (value: number) => `${fixed(value, 0)} ms`;
const BACKFILL_MEMORY_MB = 1024;

function callsLine(figures: PathFigures): string {
  const dynamo = Object.entries(figures.perClose.byOperation)
    .filter(([name]) => name.startsWith('dynamodb '))
    .map(([name, count]) => `${fixed(count, 1)} ${name.slice('dynamodb '.length)}`)
    .join(', ');
  const http = Object.entries(figures.perClose.byService)
    .filter(([service]) => service !== 'dynamodb')
    .map(([service, count]) => `${fixed(count, 1)} ${service}`)
    .join(', ');
  return `- ${figures.crm}: ${fixed(figures.perClose.byService.dynamodb ?? 0, 1)} DynamoDB (${dynamo}); ${http}.`;
}

function webhookSection(figures: PathFigures[], iterations: number): string[] {
  return [
    `${iterations} closes per CRM after warm-up, one a webhook, each a new close of a captured lead, sent to Google`,
    '(Data Manager) and Meta. Answer: the handler’s time to its answer; last upload: to the answer of its last platform',
    'request. Floor: the round trips the path must make (docs/performance.md lists them), in their unavoidable order.',
    '',
    '| close | answer p50 | p99 | floor | ratio | last upload p50 | floor | ratio | DynamoDB / HTTP calls | billed per 1,000 closes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...figures.map(
      (row) =>
        `| ${row.crm} | ${ms(row.answer.p50)} | ${ms(row.answer.p99)} | ${ms(row.floor.answerMs)} | **${fixed(row.ratio.answerP50, 2)}×** | ${ms(row.lastUpload.p50)} | ${ms(row.floor.lastUploadMs)} | ${fixed(row.ratio.lastUploadP50, 2)}× | ${fixed(row.perClose.byService.dynamodb ?? 0, 1)} / ${fixed(
          Object.entries(row.perClose.byService).reduce(
            (sum, [service, count]) => sum + (service === 'dynamodb' ? 0 : count),
            0,
          ),
          1,
        )} (floor ${row.floor.calls.dynamodb ?? 0}) | ${fixed(row.billedMsPer1000 / 1000, 0)} s = ${fixed(((row.billedMsPer1000 / 1000) * WEBHOOK_MEMORY_MB) / 1024, 0)} GB-s |`,
    ),
    '',
    'Calls per close:',
    ...figures.map(callsLine),
    '',
    'The median close, call by call (ms from the handler’s start):',
    ...figures.map(
      (row) =>
        `- ${row.crm}: ${row.timeline
          .map(
            (call) =>
              `${fixed(call.start, 0)}–${fixed(call.end, 0)} ${call.service} ${call.operation.split(' ')[0]}`,
          )
          .join('; ')}`,
    ),
  ];
}

function collectSection(figures: CollectBatchFigures): string[] {
  return [
    `One request of ${figures.leads} new leads (the most a request may carry), DynamoDB at ${figures.dynamodbMs} ms a call, ${figures.runs} runs`,
    'after one to warm up; answered by the handler within the collect Lambda’s 10 seconds or not at all.',
    '',
    '| batch | answer p50 | slowest | answers | DynamoDB calls per batch |',
    '|---|---:|---:|---|---|',
    `| ${figures.leads} leads | ${ms(figures.answer.p50)} | ${ms(figures.answer.max)} | ${Object.entries(
      figures.statuses,
    )
      .map(([status, count]) => `${count}× ${status}`)
      .join(', ')} | ${Object.entries(figures.dynamoCalls)
      .map(([name, count]) => `${fixed(count, 0)} ${name}`)
      .join(', ')} |`,
    `| 1 lead | ${ms(figures.single.answerP50)} | | | ${fixed(figures.single.dynamoCalls, 1)} |`,
  ];
}

function backfillSection(rows: BackfillScenario[]): string[] {
  return [
    '| scenario | conversions | wall time | finished in one run | DynamoDB calls / conversion | minimum | Data Manager requests (min) | Meta requests (min) |',
    '|---|---:|---:|---|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.scenario === 'fresh' ? 'fresh closes, never dispatched' : 'due retries after an outage'} | ${row.conversions.toLocaleString('en-US')} | ${fixed(row.wallMs / 1000, 0)} s | ${row.more ? 'no' : 'yes'} | ${fixed(row.dynamoPerConversion, 3)} | ${fixed(row.dynamoMinimumPerConversion, 3)} | ${row.platformRequests.dataManager} (${row.platformMinimum.dataManager}) | ${row.platformRequests.meta} (${row.platformMinimum.meta}) |`,
    ),
    '',
    'One invocation of the backfill handler each, with the 15 minutes of its Lambda on a real-time clock. A conversion',
    'is one close uploaded to one platform. Minimum: one conditional write per delivery, plus (fresh) one "planned" mark',
    'per close, plus reads batched by 100 and the index read in pages of 1,000. The wall time includes dynalite and',
    'the fakes on the same two cores. Calls by command:',
    ...rows.map((row) => `- ${row.scenario}: ${JSON.stringify(row.dynamoCalls)}`),
  ];
}

function costRows(
  webhook: PathFigures[],
  collect: CollectBatchFigures,
  backfill: BackfillScenario[],
): CostRow[] {
  const rows: CostRow[] = [];
  for (const path of webhook) {
    rows.push(
      costPerMillionConversions({
        label: `${path.crm === 'hubspot' ? 'HubSpot' : 'Salesforce'} webhook (a close → 2 conversions)`,
        conversions: 2,
        lambdaInvocations: 1,
        billedMs: path.billedMsPer1000 / 1000,
        memoryMb: WEBHOOK_MEMORY_MB,
        readUnits: path.units.read,
        writeUnits: path.units.write,
        apiGatewayRequests: 1,
      }),
    );
  }
  rows.push(
    costPerMillionConversions({
      label: 'lead capture, one lead a request (a lead → 2 conversions)',
      conversions: 2,
      lambdaInvocations: 1,
      billedMs: Math.ceil(collect.single.answerP50),
      memoryMb: WEBHOOK_MEMORY_MB,
      readUnits: collect.single.units.read,
      writeUnits: collect.single.units.write,
      apiGatewayRequests: 1,
    }),
    costPerMillionConversions({
      label: `lead capture, ${collect.leads} leads a request`,
      conversions: 2 * collect.leads,
      lambdaInvocations: 1,
      billedMs: Math.ceil(collect.answer.p50),
      memoryMb: WEBHOOK_MEMORY_MB,
      readUnits: collect.units.read,
      writeUnits: collect.units.write,
      apiGatewayRequests: 1,
    }),
  );
  for (const run of backfill) {
    rows.push(
      costPerMillionConversions({
        label: `backfill, ${run.scenario === 'fresh' ? 'closes never dispatched' : 'retries'} (instead of the webhook's dispatch)`,
        conversions: run.conversions,
        lambdaInvocations: 1,
        billedMs: Math.ceil(run.wallMs),
        memoryMb: BACKFILL_MEMORY_MB,
        readUnits: run.units.read,
        writeUnits: run.units.write,
        apiGatewayRequests: 0,
      }),
    );
  }
  return rows;
}

async function main() {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const latency = parseLatencyModel(process.env.BENCH_LATENCY_MS);
  const iterations = Number(process.env.BENCH_LATENCY_ITERATIONS ?? 100);
  const closes = Number(process.env.BENCH_CLOSES ?? 50_000);
  console.error('(a) webhook path under the latency model…');
  const webhook = await measureWebhookPath({ iterations, warmup: 5, latency });
  console.error('(b) collect batch…');
  const collect = await measureCollectBatch({ latency: { ...latency, dynamodb: 8 } });
  console.error(`(c) backfill, ${(2 * closes).toLocaleString('en-US')} deliveries…`);
  const backfill = await measureBackfill({ closes, latency, log: console.error });
  console.error('(e) cold start…');
  const cold = await measureColdStart();

  const lines = [
    '# Benchmark results',
    '',
    `Made by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} — ${machine}. DynamoDB is dynalite (its own`,
    'process) and every platform a loopback fake, each behind a proxy that holds every call for its service’s round trip.',
    `Latency model: ${describeLatencyModel(latency)}.`,
    '',
    '## (a) Webhook path: a close → enrichment → recorded → joined → Data Manager + Meta → deliveries recorded',
    '',
    ...webhookSection(webhook, iterations),
    '',
    `## (b) collect: ${collect.leads} leads in one request at ${collect.dynamodbMs} ms per DynamoDB call`,
    '',
    ...collectSection(collect),
    '',
    `## (c) Backfill: ${(2 * closes).toLocaleString('en-US')} due deliveries through the backfill handler`,
    '',
    ...backfillSection(backfill),
    '',
    `## (d) Cost per 1 million conversions (${PRICES.region} list prices, read ${PRICES.readOn})`,
    '',
    formatCostTable(costRows(webhook, collect, backfill)),
    '',
    'From the figures above: Lambda billed duration (the measured answer or run time, at the function’s memory) and',
    'invocations, DynamoDB on-demand request units (as the table computed them per item size, index writes added),',
    'API Gateway HTTP API requests. Prices: Lambda Arm $0.20 per million requests and $0.0000133334 per GB-s, DynamoDB',
    'on-demand $0.625 per million write and $0.125 per million read request units, HTTP API $1.00 per million requests.',
    '',
    '## (e) Cold start: bundle size and import time',
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
