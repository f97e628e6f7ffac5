import type { FunctionName } from '../../lib/http/routes';
import type { AnyHandler } from '../../local/functions';
import { createLocalServer, listen } from '../../local/server';

/** DESIGN.md's routes on a loopback port over the given handlers, exactly as `npm start` serves them. */
export async function startLocalApi(handlers: Partial<Record<FunctionName, AnyHandler>>) {
  const server = createLocalServer(async (name) => handlers[name]);
  const port = await listen(server, 0);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every item of the test's table (one implementation: ./scan). */
export { scanAll as scanTable } from './scan';

/** A clock that runs with real time from a chosen start, and can be moved forward. */
export function createClock(start: number) {
  const realStart = Date.now();
  let offset = 0;
  return {
    now: () => start + offset + (Date.now() - realStart),
    advance(ms: number) {
      offset += ms;
    },
  };
}
