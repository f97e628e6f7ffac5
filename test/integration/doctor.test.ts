import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDoctorHandler } from '../../functions/doctor';
import type { DoctorReport } from '../../lib/doctor/run-doctor';
import { formatDoctorReport } from '../../local/doctor-output';
import { clockContext } from '../support/backfill';
import { createClock, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';
import { type FakeSalesforce, startFakeSalesforce } from '../support/fakes/salesforce';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';

/**
 * `npm run doctor` / the `doctor` function against the fakes: one harmless call per destination and CRM,
 * each checked by its fake against the platform's contract, nothing recorded anywhere; a wrong credential
 * fails its check and is named.
 */
const ROOT = join(__dirname, '..', '..');
const TEST_CODE = 'TEST12345';

let table: TestTable;
let clock: TestClock;
let platforms: Platforms;
let hubspot: FakeHubspot;
let salesforce: FakeSalesforce;

beforeEach(async () => {
  clock = createClock(Date.now(), { realTime: true });
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now, extended: true, tiktokTestEventCode: TEST_CODE });
  hubspot = await startFakeHubspot();
  salesforce = await startFakeSalesforce();
});

afterEach(async () => {
  await Promise.all([platforms.close(), hubspot.close(), salesforce.close()]);
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...platforms.env,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    HUBSPOT_API_BASE_URL: hubspot.baseUrl,
    SALESFORCE_INSTANCE_URL: salesforce.baseUrl,
    SALESFORCE_ACCESS_TOKEN: salesforce.token,
    ...overrides,
  };
}

async function doctor(overrides: Record<string, string> = {}): Promise<DoctorReport> {
  const runtime = createTestRuntime(table, env(overrides), { now: clock.now });
  return createDoctorHandler(runtime)({}, clockContext(clock.now, 30_000));
}

describe('doctor', () => {
  it('passes against the fakes: one harmless call each, nothing recorded', async () => {
    const report = await doctor();

    expect(report.checks.map((check) => [check.target, check.check, check.ok])).toEqual([
      ['google-ads', 'OAuth token refresh', true],
      ['google-ads', 'events:ingest validateOnly (won)', true],
      ['google-ads', 'events:ingest validateOnly (lost)', true],
      ['google-ads', 'events:ingest validateOnly (purchase)', true],
      ['meta', 'GET /v26.0/<pixel>?fields=id,name', true],
      ['ga4', 'POST /debug/mp/collect', true],
      ['tiktok', 'POST /event/track/ test event (crm)', true],
      ['hubspot', 'GET /crm/pipelines/2026-09/deals', true],
      ['salesforce', 'GET /services/data/v68.0/limits', true],
    ]);
    expect(report).toMatchObject({ ok: true, fix: [] });
    expect(platforms.violations()).toEqual([]);
    expect(hubspot.violations).toEqual([]);
    expect(salesforce.violations).toEqual([]);
    // Validated, not executed: Data Manager holds nothing; GA4 recorded nothing; TikTok's is a test event.
    expect(platforms.dataManager.validated).toBe(3);
    expect(platforms.dataManager.conversions.size).toBe(0);
    expect(platforms.dataManager.ingested).toEqual([]);
    expect(platforms.ga4.events).toEqual([]);
    expect(platforms.ga4.requestsTo('debug')).toHaveLength(1);
    expect(platforms.meta.requestsTo('pixel')).toHaveLength(1);
    expect(platforms.meta.requestsTo('events')).toEqual([]);
    expect(
      (platforms.tiktok.requestsTo('track')[0]?.body as { test_event_code?: string } | undefined)
        ?.test_event_code,
    ).toBe(TEST_CODE);
    expect(hubspot.requestsTo('pipelines')).toHaveLength(1);
    expect(salesforce.requestsTo('limits')).toHaveLength(1);
    expect(formatDoctorReport(report)).toContain('all checks passed');
  });

  it('names the variable to fix when one credential is wrong, and passes the rest', async () => {
    const report = await doctor({ META_ACCESS_TOKEN: 'EAA-wrong-token' });

    expect(report.ok).toBe(false);
    expect(report.fix).toEqual(['META_ACCESS_TOKEN']);
    expect(report.checks.filter((check) => !check.ok).map((check) => check.target)).toEqual(['meta']);
    expect(JSON.stringify(report)).not.toContain('EAA-wrong-token');
    expect(formatDoctorReport(report)).toContain('fix: META_ACCESS_TOKEN');
  });

  it('names the conversion action Google refuses, the pixel Meta cannot read, the HubSpot token', async () => {
    const report = await doctor({
      GOOGLE_ADS_CONVERSION_ACTION_LOST: '999999',
      META_PIXEL_ID: '9999999999999999',
      HUBSPOT_ACCESS_TOKEN: 'pat-wrong',
    });

    expect(report.fix.sort()).toEqual(
      [
        'GOOGLE_ADS_CONVERSION_ACTION_LOST',
        'GOOGLE_ADS_CUSTOMER_ID',
        'HUBSPOT_ACCESS_TOKEN',
        'META_PIXEL_ID',
      ].sort(),
    );
    expect(report.checks.find((check) => check.check.endsWith('(won)'))?.ok).toBe(true);
  });

  it('is `npm run doctor`: a table, and exit 1 naming the variable', async () => {
    const child = spawn('npx', ['tsx', 'local/doctor.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_OPTIONS: `--require ${join(ROOT, 'test', 'support', 'loopback-only.cjs')}`,
        ...env({ SALESFORCE_ACCESS_TOKEN: 'wrong-salesforce-token' }),
      },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(1);
    expect(stdout).toMatch(/^result\s+target\s+check\s+detail$/m);
    expect(stdout).toMatch(/^FAIL\s+salesforce\s+GET \/services\/data\/v68\.0\/limits/m);
    expect(stdout).toMatch(/^ok\s+meta/m);
    expect(stdout).toContain('fix: SALESFORCE_ACCESS_TOKEN');
    expect(stdout).not.toContain('wrong-salesforce-token');
  });
});
