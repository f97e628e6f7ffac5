import { describe, expect, it } from 'vitest';
import { classifyAdsError, classifyAdsResponse } from '../../lib/destinations/google-ads/ads-api-errors';
import { classifyDataManagerResponse } from '../../lib/destinations/google-ads/data-manager-errors';
import type { HttpResponse } from '../../lib/destinations/http';
import { type BatchAnswer, uploadIsolatingInvalidRows } from '../../lib/destinations/isolate';
import { classifyMetaResponse } from '../../lib/destinations/meta/errors';
import { RetryableError } from '../../lib/errors';
import { T0 } from '../support/clock';

type ErrorLike = RetryableError & { reason?: string };
/** The error of a verdict that is one (fails the test otherwise). */
function errorOf(verdict: unknown): ErrorLike {
  const error = (verdict as { error?: ErrorLike }).error;
  if (!error) throw new Error(`no error in ${JSON.stringify(verdict)}`);
  return error;
}

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, body, headers: new Headers(headers), text: JSON.stringify(body) };
}

describe('classifyDataManagerResponse', () => {
  it('accepts a 200 and keeps the request ID', () => {
    expect(classifyDataManagerResponse(response(200, { requestId: 'req-1' }), T0)).toEqual({
      kind: 'accepted',
      responseId: 'req-1',
    });
  });

  it('names the rejected rows from the BadRequest field paths', () => {
    const verdict = classifyDataManagerResponse(
      response(400, {
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: 'Request contains an invalid argument.',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.BadRequest',
              fieldViolations: [
                {
                  field: 'events[3].ad_identifiers.gclid',
                  description: 'bad gclid',
                  reason: 'INVALID_FORMAT',
                },
                {
                  field: 'events[7].user_data.user_identifiers[0]',
                  description: 'bad hash',
                  reason: 'INVALID_SHA256_FORMAT',
                },
              ],
            },
          ],
        },
      }),
      T0,
    );
    expect(verdict).toMatchObject({
      kind: 'invalid',
      rows: [
        { index: 3, reason: 'invalid_format', message: 'event.ad_identifiers.gclid: bad gclid' },
        { index: 7, reason: 'invalid_sha256_format' },
      ],
    });
  });

  it('reports the missing datamanager scope as a configuration error naming the scope', () => {
    const verdict = classifyDataManagerResponse(
      response(403, {
        error: {
          code: 403,
          status: 'PERMISSION_DENIED',
          message: 'Request had insufficient authentication scopes.',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            },
          ],
        },
      }),
      T0,
    );
    expect(verdict.kind).toBe('error');
    const error = errorOf(verdict);
    expect(error.reason).toBe('missing_datamanager_scope');
    expect(error.message).toContain('https://www.googleapis.com/auth/datamanager');
  });

  it('retries 429 and 5xx, honouring Retry-After', () => {
    const verdict = classifyDataManagerResponse(
      response(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }, { 'retry-after': '120' }),
      T0,
    );
    expect(errorOf(verdict)).toBeInstanceOf(RetryableError);
    expect(errorOf(verdict).retryAfterMs).toBe(120_000);
    expect(classifyDataManagerResponse(response(503, undefined), T0)).toMatchObject({ kind: 'error' });
  });

  it('asks for a token refresh on 401', () => {
    expect(classifyDataManagerResponse(response(401, {}), T0)).toEqual({ kind: 'unauthenticated' });
  });
});

describe('classifyAdsError', () => {
  it('treats duplicates as delivered, TOO_RECENT as a 6-hour retry, transient errors as retries', () => {
    for (const code of ['ORDER_ID_ALREADY_IN_USE', 'CLICK_CONVERSION_ALREADY_EXISTS', 'DUPLICATE_ORDER_ID']) {
      expect(classifyAdsError({ code, message: '' })).toEqual({ kind: 'delivered' });
    }
    expect(classifyAdsError({ code: 'TOO_RECENT_CONVERSION_ACTION', message: '' })).toMatchObject({
      kind: 'retry',
      retryAfterMs: 6 * 3_600_000,
    });
    expect(classifyAdsError({ code: 'TRANSIENT_ERROR', message: '' })).toMatchObject({ kind: 'retry' });
    expect(classifyAdsError({ code: 'EXPIRED_EVENT', message: 'too old' })).toMatchObject({
      kind: 'failed',
      reason: 'expired_event',
    });
  });
});

describe('classifyAdsResponse', () => {
  it('maps partial-failure errors back to their rows by fieldPathElements index', () => {
    const verdict = classifyAdsResponse(
      response(
        200,
        {
          results: [{}, { orderId: 'b' }, {}],
          partialFailureError: {
            code: 3,
            details: [
              {
                '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
                errors: [
                  {
                    errorCode: { conversionUploadError: 'EXPIRED_EVENT' },
                    message: 'expired',
                    location: { fieldPathElements: [{ fieldName: 'conversions', index: 2 }] },
                  },
                  {
                    errorCode: { conversionUploadError: 'CLICK_CONVERSION_ALREADY_EXISTS' },
                    location: { fieldPathElements: [{ fieldName: 'conversions', index: 0 }] },
                  },
                ],
              },
            ],
          },
        },
        { 'request-id': 'ads-1' },
      ),
      3,
      T0,
    ) as Extract<BatchAnswer, { kind: 'accepted' }>;
    expect(verdict.kind).toBe('accepted');
    expect(verdict.responseId).toBe('ads-1');
    expect(verdict.rowOutcomes).toEqual([
      { kind: 'delivered' },
      undefined,
      { kind: 'failed', reason: 'expired_event', code: 'EXPIRED_EVENT', message: 'EXPIRED_EVENT: expired' },
    ]);
  });

  it('turns a request-level refusal for a non-allowlisted customer into a configuration error', () => {
    const verdict = classifyAdsResponse(
      response(400, {
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: 'failed',
          details: [
            {
              '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
              errors: [{ errorCode: { conversionUploadError: 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE' } }],
            },
          ],
        },
      }),
      1,
      T0,
    );
    expect(errorOf(verdict).reason).toBe('customer_not_allowlisted_for_this_feature');
  });
});

describe('classifyMetaResponse', () => {
  const error = (code: number, status = 400, subcode?: number) =>
    response(status, {
      error: { message: 'x', type: 'OAuthException', code, error_subcode: subcode, fbtrace_id: 't' },
    });

  it('retries codes 1, 2 (transient) and 4, 17, 341 (throttling, at least 5 minutes later)', () => {
    for (const code of [1, 2])
      expect(errorOf(classifyMetaResponse(error(code), T0))).toBeInstanceOf(RetryableError);
    for (const code of [4, 17, 341]) {
      const retry = errorOf(classifyMetaResponse(error(code), T0));
      expect(retry).toBeInstanceOf(RetryableError);
      expect(retry.retryAfterMs).toBeGreaterThanOrEqual(5 * 60_000);
    }
  });

  it('reports an expired token (190) as a configuration error', () => {
    expect(errorOf(classifyMetaResponse(error(190), T0)).reason).toBe('token_expired');
  });

  it('isolates rows on an invalid parameter (100) and fails other codes with the code', () => {
    expect(classifyMetaResponse(error(100), T0)).toMatchObject({ kind: 'invalid', reason: '100' });
    expect(errorOf(classifyMetaResponse(error(100, 400, 33), T0)).reason).toBe('pixel_not_found');
    expect(errorOf(classifyMetaResponse(error(200, 403), T0)).code).toBe('200');
  });

  it('keeps the trace id of an accepted request', () => {
    expect(classifyMetaResponse(response(200, { events_received: 2, fbtrace_id: 'trace-9' }), T0)).toEqual({
      kind: 'accepted',
      responseId: 'trace-9',
    });
  });
});

describe('uploadIsolatingInvalidRows', () => {
  const rows = Array.from({ length: 16 }, (_, index) => index);

  it('sends the good rows again without the rows the platform named: one extra request', async () => {
    const sent: number[][] = [];
    const result = await uploadIsolatingInvalidRows(rows, async (batch): Promise<BatchAnswer> => {
      sent.push([...batch]);
      const bad = batch.map((row, index) => ({ row, index })).filter(({ row }) => row === 5);
      return bad.length === 0
        ? { kind: 'accepted', responseId: 'ok' }
        : {
            kind: 'invalid',
            rows: bad.map(({ index }) => ({ index, code: 'X', reason: 'x', message: 'bad' })),
            code: 'X',
            reason: 'x',
            message: 'bad',
          };
    });
    expect(result.requests).toBe(2);
    expect(result.outcomes[5]).toMatchObject({ kind: 'failed', reason: 'x' });
    expect(result.outcomes.filter((outcome) => outcome.kind === 'delivered')).toHaveLength(15);
  });

  it('halves the batch when the platform names no row, within a bounded number of requests', async () => {
    const result = await uploadIsolatingInvalidRows(
      rows,
      async (batch): Promise<BatchAnswer> =>
        batch.includes(9)
          ? { kind: 'invalid', rows: undefined, code: '100', reason: '100', message: 'Invalid parameter' }
          : { kind: 'accepted' },
    );
    expect(result.outcomes[9]).toMatchObject({ kind: 'failed', reason: '100' });
    expect(result.outcomes.filter((outcome) => outcome.kind === 'delivered')).toHaveLength(15);
    // 1 + 2·log2(16) requests at most.
    expect(result.requests).toBeLessThanOrEqual(9);
  });

  it('leaves rows it could not isolate within the budget for a retry', async () => {
    const result = await uploadIsolatingInvalidRows(
      rows,
      async (): Promise<BatchAnswer> => ({
        kind: 'invalid',
        rows: undefined,
        code: '100',
        reason: '100',
        message: 'x',
      }),
      { maxExtraRequests: 3 },
    );
    expect(result.requests).toBe(4);
    expect(
      result.outcomes.some((outcome) => outcome.kind === 'retry' && outcome.code === 'isolation_budget'),
    ).toBe(true);
  });

  it('gives every row of a request that failed outright the same retryable outcome', async () => {
    const result = await uploadIsolatingInvalidRows(rows.slice(0, 3), async () => {
      throw new RetryableError('down', { code: 'HTTP_503', retryAfterMs: 1000 });
    });
    expect(result.outcomes).toEqual(
      Array(3).fill({ kind: 'retry', code: 'HTTP_503', message: 'down', retryAfterMs: 1000 }),
    );
  });
});
