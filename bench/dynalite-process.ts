import { spawn } from 'node:child_process';
import type { EmbeddedDynamo } from '../local/dynalite';

/**
 * dynalite in its own Node process. In the bench's process its work would queue on the handler's event
 * loop and count as the path's own time; DynamoDB's service time is inside the latency model's round
 * trip, so here the table lives elsewhere, as it does for a Lambda.
 */
const SCRIPT = `
const dynalite = require('dynalite');
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export function startDynaliteProcess(): Promise<EmbeddedDynamo> {
  const child = spawn(process.execPath, ['-e', SCRIPT], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code} before listening`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const port = Number(output.trim());
      if (!output.includes('\n') || !Number.isInteger(port)) return;
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
