import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../lib/destinations/http';
import {
  createJsonUploader,
  type JsonTransport,
  type OutgoingRequest,
} from '../../lib/destinations/json-upload';
import { RetryableError } from '../../lib/errors';
import { T0 } from '../support/clock';
import { response } from './platform-answers';

/** A transport that records what it was given and answers from `answer`. */
function recordingTransport(answer: (request: OutgoingRequest) => HttpResponse, requestsPerCall = 1) {
  const sent: OutgoingRequest[] = [];
  const transport: JsonTransport = async (request) => {
    sent.push(request);
    return { response: answer(request), requests: requestsPerCall };
  };
  return { sent, transport };
}

const describeRows = (rows: readonly string[], batch: string) => ({
  method: 'POST' as const,
  url: `https://platform.invalid/${batch}`,
  body: { rows },
});

describe('createJsonUploader', () => {
  it('sends what describe records, with the credential added only on the way out', async () => {
    const { sent, transport } = recordingTransport(() => response(200, {}));
    const upload = createJsonUploader<string>({
      now: () => T0,
      transport,
      describe: describeRows,
      authorize: (request) => ({ url: request.url, headers: { 'x-token': 'secret' }, body: request.body }),
      classify: () => ({ kind: 'accepted', responseId: 'r-1' }),
    });

    const result = await upload(['a', 'b'], 'events', { deadline: T0 + 10_000 });

    expect(sent).toEqual([
      {
        url: 'https://platform.invalid/events',
        headers: { 'x-token': 'secret' },
        body: { rows: ['a', 'b'] },
      },
    ]);
    expect(result).toEqual({
      outcomes: [
        { kind: 'delivered', responseId: 'r-1' },
        { kind: 'delivered', responseId: 'r-1' },
      ],
      requests: 1,
    });
  });

  it('counts every HTTP request a transport made (a token refresh and retry is two)', async () => {
    const { transport } = recordingTransport(() => response(200, {}), 2);
    const upload = createJsonUploader<string>({
      now: () => T0,
      transport,
      describe: describeRows,
      classify: () => ({ kind: 'accepted' }),
    });
    expect((await upload(['a'], 'events', { deadline: T0 + 10_000 })).requests).toBe(2);
  });

  it("gives every row the classifier's error, and tells the classifier how many rows it sent", async () => {
    const counts: number[] = [];
    const { transport } = recordingTransport(() => response(503, {}, { 'retry-after': '5' }));
    const upload = createJsonUploader<string>({
      now: () => T0,
      transport,
      describe: describeRows,
      classify: (answer, _now, rowCount) => {
        counts.push(rowCount);
        return {
          kind: 'error',
          error: new RetryableError(`answered ${answer.status}`, { code: 'HTTP_503', retryAfterMs: 5000 }),
        };
      },
    });

    const result = await upload(['a', 'b', 'c'], 'events', { deadline: T0 + 10_000 });

    expect(counts).toEqual([3]);
    expect(result.outcomes).toEqual(
      Array(3).fill({ kind: 'retry', code: 'HTTP_503', message: 'answered 503', retryAfterMs: 5000 }),
    );
  });

  it('sends each part a platform splits a batch into as requests of its own, in order', async () => {
    const { sent, transport } = recordingTransport(() => response(200, {}));
    const upload = createJsonUploader<string>({
      now: () => T0,
      transport,
      describe: describeRows,
      classify: () => ({ kind: 'accepted' }),
      split: (rows) => [rows.slice(0, 2), rows.slice(2)],
    });

    const result = await upload(['a', 'b', 'c'], 'events', { deadline: T0 + 10_000 });

    expect(sent.map((request) => request.body)).toEqual([{ rows: ['a', 'b'] }, { rows: ['c'] }]);
    expect(result).toEqual({ outcomes: Array(3).fill({ kind: 'delivered' }), requests: 2 });
  });
});
