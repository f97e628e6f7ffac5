import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm run demo` as a new user runs it, in a child process that cannot open a connection or resolve a
 * name outside loopback (test/support/loopback-only.cjs): it tells the whole story and exits 0.
 */
const ROOT = join(__dirname, '..', '..');

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'local/demo.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_OPTIONS: `--require ${join(ROOT, 'test', 'support', 'loopback-only.cjs')}`,
        // Whatever the shell holds must not matter: credentials a user may have set are ignored.
        GOOGLE_ADS_REFRESH_TOKEN: 'a-real-looking-token-that-must-not-be-used',
        META_ACCESS_TOKEN: 'another-token-that-must-not-be-used',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run demo', () => {
  it('replays the samples end to end on loopback only, prints what each destination would receive, exits 0', async () => {
    const { code, stdout, stderr } = await runDemo();

    expect(stderr).not.toContain('loopback-only');
    expect(code).toBe(0);
    for (const line of [
      'Leads are captured on the website',
      'the same call again (a duplicate)  nothing new',
      'would send → POST https://datamanager.googleapis.com/v1/events:ingest',
      'would send → POST https://graph.facebook.com/v26.0/1234567890123456/events',
      'not sent: consent — the lead refused marketing consent',
      'sent when the lead arrived',
      '1 close found whose webhook never came → recorded 1',
      'found by the backfill polling Salesforce',
      'Totals',
      // Google's processing result, against the loopback Data Manager stand-in: accepted, then processed.
      'right after the webhook: google-ads accepted',
      '30 minutes later, the backfill asks requestStatus:retrieve (1 call): google-ads processed',
      'processing result: SUCCESS for request demo-request-1',
    ]) {
      expect(stdout).toContain(line);
    }
    // Identifiers are shown hashed; no plaintext email, phone or token reaches the terminal. The embedded
    // DynamoDB's random port is masked first: a port such as 41517 is not the sample phone's 415.
    expect(stdout).toMatch(/emailAddress\s+sha256:[0-9a-f]{12}…/);
    expect(stdout).toMatch(/upload\s+accepted · demo-request-1\n.*processing\s+processed · demo-request-1/);
    const shown = stdout.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
    for (const plaintext of [
      'Jane.Doe',
      'jane.doe',
      'buyer.one@example.com',
      '415',
      'demo-meta-access-token',
      '203.0.113.10',
    ]) {
      expect(shown).not.toContain(plaintext);
    }
  }, 60_000);
});
