import dynalite from 'dynalite';
import { delayRequests } from './latency-proxy';

/**
 * dynalite for the bench, in its own process (started by dynalite-process.ts): every request held for
 * BENCH_CHILD_LATENCY_MS first. Prints its port, and ends when its parent closes stdin.
 */
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
delayRequests(server, Number(process.env.BENCH_CHILD_LATENCY_MS ?? 0));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
