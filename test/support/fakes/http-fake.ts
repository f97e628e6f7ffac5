import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The loopback plumbing shared by the fake platform APIs: one Node HTTP server on 127.0.0.1, a log of
 * every request, injectable faults per route, and a list of contract violations that a test asserts empty
 * (a wrong request is also answered 400, so the code under test fails loudly too).
 */
export type FakeRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
};

export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> };
export type Fault = FakeAnswer & { times?: number; delayMs?: number };

export type FakeServer<TRoute extends string> = {
  baseUrl: string;
  requests: (FakeRequest & { route: TRoute | undefined })[];
  problems: string[];
  count(route: TRoute): number;
  inject(route: TRoute, fault: Fault): void;
  clear(): void;
  close(): Promise<void>;
};

export async function startFakeServer<TRoute extends string>(
  routeOf: (request: FakeRequest) => TRoute | undefined,
  handle: (route: TRoute, request: FakeRequest, problem: (message: string) => FakeAnswer) => FakeAnswer,
): Promise<FakeServer<TRoute>> {
  const requests: (FakeRequest & { route: TRoute | undefined })[] = [];
  const problems: string[] = [];
  const faults = new Map<TRoute, Fault[]>();
  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        body = Symbol.for('invalid-json');
      }
      const request: FakeRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body,
        rawBody,
      };
      const route = routeOf(request);
      requests.push({ ...request, route });
      const problem = (message: string): FakeAnswer => {
        problems.push(`${request.method} ${request.path}: ${message}`);
        return {
          status: 400,
          body: { status: 'error', message: `fake: ${message}`, category: 'VALIDATION_ERROR' },
        };
      };
      let answer: FakeAnswer;
      if (route === undefined) answer = problem('no such route in the fake');
      else if (body === Symbol.for('invalid-json')) answer = problem('body is not JSON');
      else {
        const queue = faults.get(route);
        const fault = queue?.[0];
        if (fault) {
          fault.times = (fault.times ?? 1) - 1;
          if (fault.times <= 0) queue.shift();
          if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          answer = fault;
        } else {
          answer = handle(route, request, problem);
        }
      }
      response.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    problems,
    count: (route) => requests.filter((request) => request.route === route).length,
    inject(route, fault) {
      const queue = faults.get(route) ?? [];
      queue.push({ ...fault });
      faults.set(route, queue);
    },
    clear() {
      requests.length = 0;
      problems.length = 0;
      faults.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
