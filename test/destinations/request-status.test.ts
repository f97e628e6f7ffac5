import { describe, expect, it } from 'vitest';
import {
  classifyRequestStatusResponse,
  judgeRequestStatus,
  processingReason,
} from '../../lib/destinations/google-ads/data-manager/request-status';
import type { HttpResponse } from '../../lib/destinations/http';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  body,
  text: JSON.stringify(body),
  headers: new Headers(headers),
});

describe('processingReason', () => {
  it('drops the ProcessingErrorReason prefixes, including the one without REASON_', () => {
    expect(processingReason('PROCESSING_ERROR_REASON_CLICK_NOT_FOUND')).toBe('CLICK_NOT_FOUND');
    expect(processingReason('PROCESSING_ERROR_OPERATING_ACCOUNT_MISMATCH_FOR_AD_IDENTIFIER')).toBe(
      'OPERATING_ACCOUNT_MISMATCH_FOR_AD_IDENTIFIER',
    );
    expect(processingReason(undefined)).toBe('UNSPECIFIED');
  });
});

describe('judgeRequestStatus', () => {
  it('processes every delivery of a SUCCESS', () => {
    expect(judgeRequestStatus('SUCCESS', [], 3)).toEqual({
      status: 'SUCCESS',
      errors: [],
      outcome: 'processed',
    });
  });

  it("makes a one-event request's error that event's failure", () => {
    expect(judgeRequestStatus('PARTIAL_SUCCESS', [{ reason: 'EVENT_TOO_OLD', count: 1 }], 1)).toEqual({
      status: 'PARTIAL_SUCCESS',
      errors: [{ reason: 'EVENT_TOO_OLD', count: 1 }],
      outcome: 'failed',
      reason: 'EVENT_TOO_OLD',
      summary: '1 of 1 in this request failed: EVENT_TOO_OLD',
    });
  });

  it('retries only where every reason is transient, TOO_RECENT_CLICK after 6 hours', () => {
    expect(judgeRequestStatus('FAILED', [{ reason: 'TOO_RECENT_CLICK', count: 2 }], 2)).toMatchObject({
      outcome: 'retry',
      reason: 'TOO_RECENT_CLICK',
      retryAfterMs: 6 * 3_600_000,
    });
    expect(judgeRequestStatus('FAILED', [{ reason: 'INTERNAL_ERROR', count: 1 }], 1)).toMatchObject({
      outcome: 'retry',
      reason: 'INTERNAL_ERROR',
    });
    expect(
      judgeRequestStatus(
        'FAILED',
        [
          { reason: 'INTERNAL_ERROR', count: 1 },
          { reason: 'CLICK_NOT_FOUND', count: 2 },
        ],
        3,
      ),
    ).toEqual({
      status: 'FAILED',
      errors: [
        { reason: 'CLICK_NOT_FOUND', count: 2 },
        { reason: 'INTERNAL_ERROR', count: 1 },
      ],
      outcome: 'failed',
      reason: 'CLICK_NOT_FOUND',
      summary:
        '2 of 3 in this request failed: CLICK_NOT_FOUND; 1 of 3 in this request failed: INTERNAL_ERROR',
    });
  });

  it('keeps a larger PARTIAL_SUCCESS as counts, said plainly', () => {
    expect(judgeRequestStatus('PARTIAL_SUCCESS', [{ reason: 'CLICK_NOT_FOUND', count: 1 }], 3)).toEqual({
      status: 'PARTIAL_SUCCESS',
      errors: [{ reason: 'CLICK_NOT_FOUND', count: 1 }],
      outcome: 'partial_success',
      summary: '1 of 3 in this request failed: CLICK_NOT_FOUND',
    });
  });

  it('counts a duplicate transaction ID as already counted', () => {
    expect(judgeRequestStatus('FAILED', [{ reason: 'DUPLICATE_TRANSACTION_ID', count: 1 }], 1)).toMatchObject(
      {
        outcome: 'processed',
        summary: 'already counted: 1 of 1 in this request failed: DUPLICATE_TRANSACTION_ID',
      },
    );
  });
});

describe('classifyRequestStatusResponse', () => {
  it('reads int64 counts given as strings and folds the destinations', () => {
    const verdict = classifyRequestStatusResponse(
      answer(200, {
        requestStatusPerDestination: [
          {
            requestStatus: 'FAILED',
            errorInfo: {
              errorCounts: [{ recordCount: '1', reason: 'PROCESSING_ERROR_REASON_CLICK_NOT_FOUND' }],
            },
          },
          { requestStatus: 'SUCCESS' },
        ],
      }),
      2,
      0,
    );
    expect(verdict).toEqual({
      kind: 'final',
      verdict: {
        status: 'PARTIAL_SUCCESS',
        errors: [{ reason: 'CLICK_NOT_FOUND', count: 1 }],
        outcome: 'partial_success',
        summary: '1 of 2 in this request failed: CLICK_NOT_FOUND',
      },
    });
  });

  it('asks again while any destination is PROCESSING or unknown', () => {
    expect(
      classifyRequestStatusResponse(
        answer(200, {
          requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }, { requestStatus: 'PROCESSING' }],
        }),
        2,
        0,
      ),
    ).toEqual({ kind: 'processing' });
    expect(classifyRequestStatusResponse(answer(200, {}), 1, 0)).toEqual({ kind: 'processing' });
  });

  it('makes a failed status call unavailable, honouring Retry-After', () => {
    expect(
      classifyRequestStatusResponse(
        answer(
          429,
          { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'slow down' } },
          { 'retry-after': '60' },
        ),
        1,
        0,
      ),
    ).toEqual({
      kind: 'unavailable',
      code: 'RESOURCE_EXHAUSTED',
      message: 'requestStatus:retrieve answered 429 RESOURCE_EXHAUSTED: slow down',
      retryAfterMs: 60_000,
    });
  });
});
