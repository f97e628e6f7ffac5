import type { FunctionName } from '../../lib/http/routes';
import type { AnyHandler } from '../../local/functions';
import { createLocalServer, listen } from '../../local/server';

export type LocalApi = { baseUrl: string; close: () => Promise<void> };

/** DESIGN.md's routes on a loopback port over the given handlers, exactly as `npm start` serves them. */
export async function startLocalApi(handlers: Partial<Record<FunctionName, AnyHandler>>): Promise<LocalApi> {
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
