import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local server listening on loopback only, with its URL and a close that ends open connections too. */
export type LoopbackServer = { url: string; close: () => Promise<void> };

export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request to a JSON stand-in, its body read whole. */
export type StandInRequest = { method: string; url: URL; headers: IncomingHttpHeaders; body: string };

/** A stand-in of a JSON API: each request, once read, gets `answer`'s status and JSON body. */
export function createJsonStandIn(
  answer: (request: StandInRequest) => { status: number; body: unknown },
): Server {
  return createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const answered = answer({ method: request.method ?? 'GET', url, headers: request.headers, body });
      response.writeHead(answered.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answered.body));
    });
  });
}
