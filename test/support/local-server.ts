import type { FunctionName } from '../../lib/http/routes';
import type { AnyHandler } from '../../local/functions';
import { createLocalServer, listen } from '../../local/server';

export type TestServer = { baseUrl: string; close: () => Promise<void> };

/** The local server (DESIGN.md routes → API Gateway v2 events) over the given handlers, on a free port. */
export async function startTestServer(
  handlers: Partial<Record<FunctionName, AnyHandler>>,
): Promise<TestServer> {
  const server = createLocalServer(async (name) => handlers[name]);
  const port = await listen(server, 0);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
