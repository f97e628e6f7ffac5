import { type HttpResponse, postRequest } from './http';
import { type BatchAnswer, uploadIsolatingInvalidRows } from './isolate';
import type { RequestDescription, RowOutcome, UploadContext, UploadResult } from './types';

/**
 * The one upload every destination makes: each part of a batch becomes its recorded request (`describe`),
 * gets its credential at the last moment (`authorize`: never part of what is recorded), goes out as one
 * JSON POST, and the platform's answer is read by the destination's own classifier. Rows a platform
 * rejects are isolated (isolate.ts) so that the good ones still go through. What differs per platform is
 * passed in; nothing else is written twice.
 */

/** A platform's reading of one answer: per-row results, or an error that ends the whole request. */
export type PlatformVerdict = BatchAnswer | { kind: 'error'; error: Error };

/** A request as it goes out: the recorded request with its credential added. */
export type OutgoingRequest = { url: string; headers: Record<string, string>; body: unknown };

/** Sends one request; `requests` counts the HTTP requests it took (a token refresh and retry is two). */
export type JsonTransport = (
  request: OutgoingRequest,
  deadline: number,
) => Promise<{ response: HttpResponse; requests: number }>;

/** One JSON POST with Node's fetch (http.ts: deadline-bounded timeout, transport errors retryable). */
export function postJson(options: {
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
  /** How the body is written; JSON.stringify unless the platform needs more (Meta's integer lead_id). */
  serialize?: (body: unknown) => string;
}): JsonTransport {
  const serialize = options.serialize ?? JSON.stringify;
  return async (request, deadline) => ({
    response: await postRequest({
      fetch: options.fetch,
      url: request.url,
      headers: { ...request.headers, 'content-type': 'application/json' },
      body: serialize(request.body),
      now: options.now,
      deadline,
      timeoutMs: options.timeoutMs,
    }),
    requests: 1,
  });
}

export type JsonUploadOptions<TRow> = {
  now: () => number;
  transport: JsonTransport;
  /** The request for these rows, exactly as `Destination.describe` records it. */
  describe(rows: readonly TRow[], batch: string): RequestDescription;
  /** The credential, added where the platform takes it (header, query string or body). */
  authorize?(request: RequestDescription): OutgoingRequest;
  classify(response: HttpResponse, now: number, rowCount: number): PlatformVerdict;
  /** Parts a batch must go in, each its own requests, in order (a platform's body-size limit). */
  split?(rows: readonly TRow[]): readonly (readonly TRow[])[];
};

function unauthorized(request: RequestDescription): OutgoingRequest {
  return { url: request.url, headers: {}, body: request.body };
}

/** A `Destination.upload` from what is particular to one platform. */
export function createJsonUploader<TRow>(
  options: JsonUploadOptions<TRow>,
): (rows: readonly TRow[], batch: string, context: UploadContext) => Promise<UploadResult> {
  const authorize = options.authorize ?? unauthorized;
  return async (rows, batch, context) => {
    let extraRequests = 0;
    const send = async (part: readonly TRow[]): Promise<BatchAnswer> => {
      const { response, requests } = await options.transport(
        authorize(options.describe(part, batch)),
        context.deadline,
      );
      extraRequests += requests - 1;
      const verdict = options.classify(response, options.now(), part.length);
      if (verdict.kind === 'error') throw verdict.error;
      return verdict;
    };
    let requests = 0;
    const outcomes: RowOutcome[] = [];
    for (const part of options.split ? options.split(rows) : [rows]) {
      const result = await uploadIsolatingInvalidRows(part, send);
      requests += result.requests;
      outcomes.push(...result.outcomes);
    }
    return { outcomes, requests: requests + extraRequests };
  };
}
