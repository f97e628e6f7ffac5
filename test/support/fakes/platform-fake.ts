import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny HTTP server on 127.0.0.1 (port 0) for the platform fakes: records every request, lets a test
 * queue faults (status, body, headers, delay) for the next requests, and hands the rest to the fake.
 * It logs nothing: recorded requests stay in memory for the test to inspect.
 */
export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
};

export type FakeReply = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
};

/**
 * What a fault policy decides for one request: a reply instead of the fake's own answer (the platform never
 * sees the request), or `handleThenDelayMs` (the platform takes it, but its answer comes that late).
 */
export type FakeFault = FakeReply | { handleThenDelayMs: number };

/** How each request was answered, in arrival order (beside `requests`, which keeps its own shape). */
export type AnsweredRequest = {
  request: RecordedRequest;
  status: number;
  /** The fake's own handler ran: the platform took the request (and may have stored its events). */
  handled: boolean;
  /** A queued fault or the fault policy chose the answer or its delay. */
  injected: boolean;
  /** The answer could not be written: the client had given up (its timeout) and closed the connection. */
  abandoned: boolean;
};

export type FakeServer = {
  url: string;
  requests: RecordedRequest[];
  answers: AnsweredRequest[];
  /** The next `times` requests get this reply instead of the fake's own answer. */
  failNext(reply: FakeReply, times?: number): void;
  /** The next request is handled as usual (the platform gets it) but its answer comes `ms` late. */
  delayNext(ms: number): void;
  /**
   * Decides a fault per request (after the queued ones of failNext / delayNext): return undefined to let the
   * fake answer. A test drives it with its own seeded choice, e.g. 20% of requests failing at random.
   */
  setFaultPolicy(policy: ((request: RecordedRequest) => FakeFault | undefined) | undefined): void;
  close(): Promise<void>;
};

export async function startFakeServer(
  handle: (request: RecordedRequest) => FakeReply | Promise<FakeReply>,
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const answers: AnsweredRequest[] = [];
  const faults: FakeFault[] = [];
  let policy: ((request: RecordedRequest) => FakeFault | undefined) | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      let body: unknown;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        rawBody,
        body,
      };
      requests.push(request);
      const fault = faults.shift() ?? policy?.(request);
      const handled = fault === undefined || 'handleThenDelayMs' in fault;
      const reply: FakeReply =
        fault === undefined
          ? await handle(request)
          : 'handleThenDelayMs' in fault
            ? { ...(await handle(request)), delayMs: fault.handleThenDelayMs }
            : fault;
      const answer: AnsweredRequest = {
        request,
        status: reply.status,
        handled,
        injected: fault !== undefined,
        abandoned: false,
      };
      answers.push(answer);
      const send = () => {
        if (response.destroyed) {
          answer.abandoned = true;
          return;
        }
        response.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
        response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      };
      if (reply.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, reply.delayMs);
        timers.add(timer);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answers,
    failNext(reply, times = 1) {
      for (let index = 0; index < times; index++) faults.push(reply);
    },
    delayNext(ms) {
      faults.push({ handleThenDelayMs: ms });
    },
    setFaultPolicy(next) {
      policy = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every string inside a JSON value, with its path. */
export function stringsIn(value: unknown, path = '$'): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, `${path}.${key}`));
  }
  return [];
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const E164 = /^\+\d{7,15}$/;

/** Platform contract: no plaintext email or phone anywhere in a body (everything is hashed). */
export function plaintextViolations(body: unknown): string[] {
  return stringsIn(body)
    .filter(({ value }) => EMAIL.test(value) || E164.test(value))
    .map(({ path }) => `plaintext identifier at ${path}`);
}

export const HEX_SHA256 = /^[0-9a-f]{64}$/;
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
