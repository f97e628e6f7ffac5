import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, buildableFunctions, buildFunction } from '../local/build';

/**
 * Cold start, approximated: the size of each function's bundle and the time Node takes to load it
 * (require + module-scope initialisation) in a fresh process, median of N runs, beside a bundle of the
 * bare AWS SDK DynamoDB client built the same way. Not a test: it prints figures.
 */
export type ColdStartRow = { name: string; bytes: number; gzipBytes: number; importMs: number };

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 15);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function importTimeMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const output = execFileSync(process.execPath, ['-e', script], {
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    samples.push(Number(output.toString()));
  }
  return median(samples);
}

function row(name: string, file: string): ColdStartRow {
  const content = readFileSync(file);
  return {
    name,
    bytes: content.byteLength,
    gzipBytes: gzipSync(content).byteLength,
    importMs: importTimeMs(join(process.cwd(), file)),
  };
}

export async function measureColdStart(outdir = join('dist', 'bench')): Promise<ColdStartRow[]> {
  const rows: ColdStartRow[] = [];
  for (const name of buildableFunctions()) {
    const { file } = await buildFunction(name, outdir);
    rows.push(row(name, file));
  }
  // The reference point: only `new DynamoDBClient()` with the SDK bundled in, as a function that
  // bundles its SDK would ship it; and the same with the SDK left to the runtime, as ours are built.
  mkdirSync(outdir, { recursive: true });
  const entry = join(outdir, 'bare-dynamodb-entry.js');
  writeFileSync(
    entry,
    "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb'); exports.client = new DynamoDBClient({});\n",
  );
  const bundled = join(outdir, 'bare-dynamodb-bundled.js');
  await build({ ...BUNDLE_OPTIONS, external: [], entryPoints: [entry], outfile: bundled });
  rows.push(row('bare DynamoDB client (SDK bundled)', bundled));
  const external = join(outdir, 'bare-dynamodb-external.js');
  await build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile: external });
  rows.push(row('bare DynamoDB client (SDK from runtime)', external));
  return rows;
}

export function formatColdStart(rows: ColdStartRow[]): string {
  const lines = ['| bundle | minified | gzip | import (median) |', '|---|---:|---:|---:|'];
  for (const item of rows) {
    lines.push(
      `| ${item.name} | ${(item.bytes / 1024).toFixed(1)} KB | ${(item.gzipBytes / 1024).toFixed(1)} KB | ${item.importMs.toFixed(1)} ms |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  measureColdStart().then((rows) => console.log(formatColdStart(rows)));
}
