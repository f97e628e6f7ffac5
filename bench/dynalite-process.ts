import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EmbeddedDynamo } from '../local/dynalite';

/**
 * dynalite in its own Node process, each request held there for DynamoDB's round trip (dynalite-child.ts).
 * In the bench's process its work, and a proxy's, would queue on the handler's event loop and count as the
 * path's own time; DynamoDB's service time is inside the latency model's round trip, so the table lives
 * elsewhere, as it does for a Lambda.
 */
export function startDynaliteProcess(options: { latencyMs: number }): Promise<EmbeddedDynamo> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'dynalite-child.ts')], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, BENCH_CHILD_LATENCY_MS: String(options.latencyMs) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code} before listening`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const port = Number(output.trim());
      if (!output.includes('\n') || !Number.isInteger(port) || port <= 0) return;
      child.removeAllListeners('exit');
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            // Closing stdin ends it; the kill is for a child that no longer reads.
            child.stdin.end();
            setTimeout(() => child.kill(), 2000).unref();
          }),
      });
    });
  });
}
