import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One I/O call made by the path under measurement, with its timing relative to the call's start. */
export type RecordedCall =
  | { kind: 'dynamodb'; command: string; input: unknown; start: number; end: number }
  | {
      kind: 'http';
      url: string;
      init: { method: string; headers: Record<string, string>; body?: string };
      start: number;
      end: number;
    };

/**
 * Records every DynamoDB command (serialised input) and every fetch the runtime makes. Only times and
 * references are taken while a call is in flight; the copies the replay needs are made in `take()`, after
 * the path's time is measured, so recording adds nothing to the path's own time.
 */
export function createRecorder(client: DynamoDBClient, baseFetch: typeof fetch = globalThis.fetch) {
  type Raw =
    | { kind: 'dynamodb'; command: string; input: unknown; start: number; end: number }
    | {
        kind: 'http';
        input: Parameters<typeof fetch>[0];
        init: RequestInit | undefined;
        start: number;
        end: number;
      };
  let calls: Raw[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const start = performance.now();
      try {
        return await next(args);
      } finally {
        const end = performance.now();
        calls.push({ kind: 'dynamodb', command: String(context.commandName), input: args.input, start, end });
      }
    },
    { step: 'serialize', priority: 'high', name: 'benchRecorder' },
  );
  const recordingFetch: typeof fetch = async (input, init) => {
    const start = performance.now();
    try {
      return await baseFetch(input, init);
    } finally {
      const end = performance.now();
      calls.push({ kind: 'http', input, init, start, end });
    }
  };
  const copy = (call: Raw): RecordedCall => {
    if (call.kind === 'dynamodb') return { ...call, input: structuredClone(call.input) };
    const headers: Record<string, string> = {};
    new Headers(call.init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    return {
      kind: 'http',
      url: String(call.input instanceof Request ? call.input.url : call.input),
      init: {
        method: call.init?.method ?? 'GET',
        headers,
        ...(typeof call.init?.body === 'string' ? { body: call.init.body } : {}),
      },
      start: call.start,
      end: call.end,
    };
  };
  return {
    fetch: recordingFetch,
    take(): RecordedCall[] {
      const taken = calls.map(copy);
      calls = [];
      return taken;
    },
  };
}

/** Calls whose time spans overlap ran concurrently: the floor replays them concurrently too. */
export function waves(calls: readonly RecordedCall[]): RecordedCall[][] {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const result: RecordedCall[][] = [];
  let current: RecordedCall[] = [];
  let currentEnd = Number.NEGATIVE_INFINITY;
  for (const call of sorted) {
    if (current.length > 0 && call.start >= currentEnd) {
      result.push(current);
      current = [];
      currentEnd = Number.NEGATIVE_INFINITY;
    }
    current.push(call);
    currentEnd = Math.max(currentEnd, call.end);
  }
  if (current.length > 0) result.push(current);
  return result;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
