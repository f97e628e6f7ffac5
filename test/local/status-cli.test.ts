import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestTable } from '../support/dynamo';

/**
 * `npm run status` as a second terminal runs it beside `npm start`: only DYNAMODB_ENDPOINT (and the
 * table) set, no AWS credentials, no profile, on loopback only (test/support/loopback-only.cjs).
 */
const ROOT = join(__dirname, '..', '..');

function runStatus(env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'local/status.ts', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: '/nonexistent-home-without-aws-config',
        NODE_OPTIONS: `--require ${join(ROOT, 'test', 'support', 'loopback-only.cjs')}`,
        ...env,
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

describe('npm run status with the DYNAMODB_ENDPOINT npm start prints', () => {
  it('reports without AWS credentials, in text and as CSV', async () => {
    const table = await createTestTable();
    await table.store.putDelivery(
      {
        subjectKey: 'lead-status-cli',
        destination: 'meta',
        status: 'delivered',
        subjectVersion: 1,
        attempts: 1,
        createdAt: Date.UTC(2026, 11, 1),
        updatedAt: Date.UTC(2026, 11, 1),
        platformResponseId: 'trace-cli',
      },
      undefined,
    );
    const env = { DYNAMODB_ENDPOINT: table.endpoint, TABLE_NAME: table.tableName };

    const text = await runStatus(env);
    expect(text.stderr).not.toContain('Could not load credentials');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`table ${table.tableName} at ${table.endpoint}`);

    const csv = await runStatus(env, ['--csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')).toEqual([
      'subject,destination,status,reason,attempts,last_attempt,platform_request_id',
      'lead-status-cli,meta,delivered,,1,2026-12-01T00:00:00.000Z,trace-cli',
      '',
    ]);
  });
});
