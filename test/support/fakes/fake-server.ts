import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The loopback base every fake API (platforms and CRMs) stands on: one Node HTTP server on 127.0.0.1, port
 * 0. It keeps every request and how it was answered, lets a test inject faults, and collects contract
 * violations, which a test asserts empty: a request that breaks the contract is also refused, so the code
 * under test fails loudly too. It logs nothing; everything stays in memory for the test to inspect.
 *
 * One vocabulary: a *request* comes in and is routed to one of the API's operations, the fake (or a
 * *fault*) gives the *answer*, and a broken rule of the API's contract is a *violation*.
 */
export type FakeRequest<TRoute extends string = string> = {
  /** The API operation the request is (undefined when it is none, which is itself a violation). */
  route: TRoute | undefined;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON; undefined when empty or not JSON (see `json`). */
  body: unknown;
};

export type FakeAnswer = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent that late: the client may have given up by then (its timeout), see `AnsweredRequest.abandoned`. */
  delayMs?: number;
};

/**
 * What a fault decides for one request: an answer instead of the fake's own (the platform never sees the
 * request), or `handleThenDelayMs` (the platform takes it, but its answer comes that late).
 */
export type FakeFault = FakeAnswer | { handleThenDelayMs: number };

/** Decides a fault per request; undefined lets the fake answer. */
export type FaultPolicy<TRoute extends string = string> = (
  request: FakeRequest<TRoute>,
) => FakeFault | undefined;

/** How each request was answered, in arrival order. */
export type AnsweredRequest<TRoute extends string = string> = {
  request: FakeRequest<TRoute>;
  status: number;
  /** The fake's own handler ran: the platform took the request (and may have stored its events). */
  handled: boolean;
  /** A queued fault or the fault policy chose the answer or its delay. */
  injected: boolean;
  /** The answer could not be written: the client had given up (its timeout) and closed the connection. */
  abandoned: boolean;
};

/** What a fake's handler gets besides the request: the way to record what the request broke. */
export type Contract = {
  /** Records a violation; the handler still chooses the answer (GA4, say, answers 2xx all the same). */
  violation(message: string): void;
  /** Records a violation and answers it the way the API refuses a request (`refusal`). */
  refuse(message: string): FakeAnswer;
};

export type FakeServerOptions<TRoute extends string> = {
  /** Names the fake in its violations: `HubSpot: POST /crm/objects/2026-09/deals/search: limit must be 1–200`. */
  name: string;
  /** Which operation of the API a request is. A request that is none is a violation, refused. */
  route: (request: FakeRequest<never>) => TRoute | undefined;
  /** The route's answer (after faults), checking the request against the API's contract. */
  handle: (
    request: FakeRequest<TRoute> & { route: TRoute },
    contract: Contract,
  ) => FakeAnswer | Promise<FakeAnswer>;
  /** How the API answers a request it refuses; the default is a generic 400. */
  refusal?: (message: string) => FakeAnswer;
  /** The API takes JSON bodies (the default): a body that does not parse is a violation. */
  json?: boolean;
};

export type FakeServer<TRoute extends string = string> = {
  baseUrl: string;
  requests: FakeRequest<TRoute>[];
  answers: AnsweredRequest<TRoute>[];
  violations: string[];
  /** The requests to any of these routes, in arrival order. */
  requestsTo(...routes: TRoute[]): FakeRequest<TRoute>[];
  count(...routes: TRoute[]): number;
  /**
   * The next `times` requests (to `route`, or to any route) get this answer instead of the fake's own.
   * Faults are taken in the order they were queued.
   */
  failNext(answer: FakeAnswer, options?: { times?: number; route?: TRoute }): void;
  /** The next request (to `route`, or to any) is handled as usual (the platform gets it) but `ms` late. */
  delayNext(ms: number, options?: { route?: TRoute }): void;
  /**
   * Decides a fault per request, after the queued ones of failNext / delayNext. A test drives it with its
   * own seeded choice, e.g. 20% of requests failing at random.
   */
  setFaultPolicy(policy: FaultPolicy<TRoute> | undefined): void;
  /** Forgets requests, answers, violations and faults (a fake shared by a file's tests). */
  clear(): void;
  close(): Promise<void>;
};

/** The answer to a refused request when the API has no error shape of its own worth copying. */
function genericRefusal(message: string): FakeAnswer {
  return {
    status: 400,
    body: { status: 'error', message: `fake: ${message}`, category: 'VALIDATION_ERROR' },
  };
}

type QueuedFault<TRoute> = { fault: FakeFault; route: TRoute | undefined; remaining: number };

export async function startFakeServer<TRoute extends string>(
  options: FakeServerOptions<TRoute>,
): Promise<FakeServer<TRoute>> {
  const requests: FakeRequest<TRoute>[] = [];
  const answers: AnsweredRequest<TRoute>[] = [];
  const violations: string[] = [];
  const queued: QueuedFault<TRoute>[] = [];
  const refusal = options.refusal ?? genericRefusal;
  let policy: FaultPolicy<TRoute> | undefined;
  const timers = new Set<NodeJS.Timeout>();

  const takeQueuedFault = (route: TRoute): FakeFault | undefined => {
    const index = queued.findIndex((entry) => entry.route === undefined || entry.route === route);
    const entry = queued[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) queued.splice(index, 1);
    return entry.fault;
  };

  const answer = async (
    request: FakeRequest<TRoute>,
    contract: Contract,
    unreadable: boolean,
  ): Promise<{ answer: FakeAnswer; handled: boolean; injected: boolean }> => {
    const route = request.route;
    if (route === undefined)
      return { answer: contract.refuse('no such route in the fake'), handled: false, injected: false };
    if (unreadable) return { answer: contract.refuse('body is not JSON'), handled: false, injected: false };
    const routed = request as FakeRequest<TRoute> & { route: TRoute };
    const fault = takeQueuedFault(route) ?? policy?.(request);
    if (fault === undefined)
      return { answer: await options.handle(routed, contract), handled: true, injected: false };
    if ('handleThenDelayMs' in fault) {
      const handled = await options.handle(routed, contract);
      return { answer: { ...handled, delayMs: fault.handleThenDelayMs }, handled: true, injected: true };
    }
    return { answer: fault, handled: false, injected: true };
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      let body: unknown;
      let unreadable = false;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        unreadable = options.json !== false;
      }
      const unrouted: FakeRequest<never> = {
        route: undefined,
        method: incoming.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        rawBody,
        body,
      };
      const request: FakeRequest<TRoute> = { ...unrouted, route: options.route(unrouted) };
      requests.push(request);
      const contract: Contract = {
        violation(message) {
          violations.push(`${options.name}: ${request.method} ${request.path}: ${message}`);
        },
        refuse(message) {
          contract.violation(message);
          return refusal(message);
        },
      };
      const outcome = await answer(request, contract, unreadable);
      const reply = outcome.answer;
      const answered: AnsweredRequest<TRoute> = {
        request,
        status: reply.status,
        handled: outcome.handled,
        injected: outcome.injected,
        abandoned: false,
      };
      answers.push(answered);
      const send = () => {
        if (response.destroyed) {
          answered.abandoned = true;
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const requestsTo = (...routes: TRoute[]) =>
    requests.filter((request) => request.route !== undefined && routes.includes(request.route));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    answers,
    violations,
    requestsTo,
    count: (...routes) => requestsTo(...routes).length,
    failNext(fault, { times = 1, route } = {}) {
      if (times < 1) return;
      queued.push({ fault, route, remaining: times });
    },
    delayNext(ms, { route } = {}) {
      queued.push({ fault: { handleThenDelayMs: ms }, route, remaining: 1 });
    },
    setFaultPolicy(next) {
      policy = next;
    },
    clear() {
      requests.length = 0;
      answers.length = 0;
      violations.length = 0;
      queued.length = 0;
      policy = undefined;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
