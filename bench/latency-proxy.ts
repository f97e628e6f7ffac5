import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The latency model's moving part: a loopback HTTP proxy in front of one service (a platform fake) that
 * holds every request for that service's round-trip time before forwarding it, and logs each
 * call it carried. Everything the code under test sends goes over a real socket, through the SDK's or
 * fetch's own connection pool, so what is measured is what a Lambda would wait for — not a replay.
 */
export type ServiceCall = {
  service: string;
  /** DynamoDB: the API action (`PutItem`); HTTP: `METHOD /path`. */
  operation: string;
  /** Times from `clock` (performance.now by default): when the call arrived and when its answer left. */
  start: number;
  end: number;
};

/** One log shared by every proxy of a run: the round-trip counter. */
export type CallLog = {
  record(call: ServiceCall): void;
  /** The calls since the last take, in arrival order; the log starts again empty. */
  take(): ServiceCall[];
  /** The calls so far, without emptying the log. */
  peek(): readonly ServiceCall[];
};

export function createCallLog(): CallLog {
  let calls: ServiceCall[] = [];
  return {
    record: (call) => {
      calls.push(call);
    },
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    peek: () => calls,
  };
}

/** Calls by service, and by `service operation`: what a path costs in round trips. */
export function countCalls(calls: readonly ServiceCall[]): {
  byService: Record<string, number>;
  byOperation: Record<string, number>;
} {
  const byService: Record<string, number> = {};
  const byOperation: Record<string, number> = {};
  for (const call of calls) {
    byService[call.service] = (byService[call.service] ?? 0) + 1;
    const name = `${call.service} ${call.operation}`;
    byOperation[name] = (byOperation[name] ?? 0) + 1;
  }
  return { byService, byOperation };
}

export function httpOperation(method: string, path: string): string {
  return `${method} ${path}`;
}

export type LatencyProxy = { url: string; close(): Promise<void> };

/** Headers that describe one hop, not the message: the proxy's own sockets set them. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

function forwardedHeaders(headers: IncomingHttpHeaders, body: Buffer, host: string): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_HEADERS.has(name)) result[name] = value;
  result.host = host;
  result['content-length'] = String(body.byteLength);
  return result;
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

export async function startLatencyProxy(options: {
  service: string;
  /** Origin of the real server, e.g. `http://127.0.0.1:4567`; the request's path and query are kept. */
  target: string;
  latencyMs: number;
  log: CallLog;
  operationOf?: (headers: IncomingHttpHeaders, path: string, method: string) => string;
  /** How the round trip is waited for; injectable so a test can hold and release it. */
  delay?: (ms: number) => Promise<void>;
  clock?: () => number;
}): Promise<LatencyProxy> {
  const target = new URL(options.target);
  const delay = options.delay ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const clock = options.clock ?? (() => performance.now());
  const operationOf =
    options.operationOf ?? ((_headers, path, method) => httpOperation(method, path.split('?')[0] ?? path));
  // Upstream sockets are loopback and free: no pool limit here, so only the client's own pool queues.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const server = createServer(async (incoming, response) => {
    const start = clock();
    const path = incoming.url ?? '/';
    const method = incoming.method ?? 'GET';
    try {
      const body = await readBody(incoming);
      if (options.latencyMs > 0) await delay(options.latencyMs);
      const upstream = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
        (resolve, reject) => {
          const outgoing = request(
            {
              host: target.hostname,
              port: target.port,
              method,
              path,
              agent,
              headers: forwardedHeaders(incoming.headers, body, target.host),
            },
            (answer) => {
              readBody(answer).then(
                (answerBody) =>
                  resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: answerBody }),
                reject,
              );
            },
          );
          outgoing.on('error', reject);
          outgoing.end(body);
        },
      );
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
      }
      headers['content-length'] = String(upstream.body.byteLength);
      response.writeHead(upstream.status, headers);
      response.end(upstream.body);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`latency proxy: ${(error as Error).message}`);
    } finally {
      options.log.record({
        service: options.service,
        operation: operationOf(incoming.headers, path, method),
        start,
        end: clock(),
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The same latency inside a server's own process: every request waits `latencyMs` before the server's
 * handlers see it (its body stays buffered meanwhile). The bench runs dynalite this way in its own
 * process (dynalite-process.ts), so DynamoDB's round trip costs the measured process no work at all.
 */
export function delayRequests(
  server: Server,
  latencyMs: number,
  delay: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): void {
  if (latencyMs <= 0) return;
  const handlers = server.listeners('request') as ((
    request: IncomingMessage,
    response: ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  server.on('request', (incoming: IncomingMessage, response: ServerResponse) => {
    delay(latencyMs).then(() => {
      for (const handler of handlers) handler.call(server, incoming, response);
    });
  });
}
