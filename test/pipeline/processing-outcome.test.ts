import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../lib/domain';
import { MAX_ATTEMPTS } from '../../lib/pipeline/delivery-outcome';
import { deliveryAfterProcessing } from '../../lib/pipeline/processing-outcome';

const accepted: DeliveryRecord = {
  subjectKey: 'lead-1',
  destination: 'google-ads',
  status: 'accepted',
  subjectVersion: 1,
  attempts: 1,
  createdAt: 0,
  updatedAt: 0,
  platformResponseId: 'dm-request-1',
  delivered: { version: 1, outcome: 'won', value: 10, currency: 'USD', at: 0 },
};
const options = { now: 1_000, random: () => 0.5, requestId: 'dm-request-1', events: 1 };

describe('deliveryAfterProcessing', () => {
  it('fails a dropped delivery with the reason, as a platform rejection that holds nothing', () => {
    const next = deliveryAfterProcessing(
      accepted,
      {
        status: 'FAILED',
        errors: [{ reason: 'CLICK_NOT_FOUND', count: 1 }],
        outcome: 'failed',
        reason: 'CLICK_NOT_FOUND',
        summary: '1 of 1 in this request failed: CLICK_NOT_FOUND',
      },
      options,
    );
    expect(next).toMatchObject({
      status: 'failed:CLICK_NOT_FOUND',
      attempts: 1,
      lastErrorCode: 'CLICK_NOT_FOUND',
      rejectedByPlatform: true,
      processing: { requestId: 'dm-request-1', status: 'FAILED', checkedAt: 1_000, events: 1 },
    });
    expect(next.delivered).toBeUndefined();
    expect(next.history).toEqual([
      {
        at: 1_000,
        kind: 'processing',
        status: 'failed:CLICK_NOT_FOUND',
        responseId: 'dm-request-1',
        code: 'CLICK_NOT_FOUND',
        message: '1 of 1 in this request failed: CLICK_NOT_FOUND',
      },
    ]);
  });

  it('schedules a transient reason for a re-upload, never sooner than its Retry-After', () => {
    const next = deliveryAfterProcessing(
      accepted,
      {
        status: 'FAILED',
        errors: [],
        outcome: 'retry',
        reason: 'TOO_RECENT_CLICK',
        retryAfterMs: 6 * 3_600_000,
      },
      options,
    );
    expect(next).toMatchObject({
      status: 'retry',
      nextAttemptAt: 1_000 + 6 * 3_600_000,
      lastErrorCode: 'TOO_RECENT_CLICK',
    });
  });

  it('gives a transient reason up once the attempts are spent', () => {
    const next = deliveryAfterProcessing(
      { ...accepted, attempts: MAX_ATTEMPTS },
      { status: 'FAILED', errors: [], outcome: 'retry', reason: 'INTERNAL_ERROR' },
      options,
    );
    expect(next.status).toBe('failed:INTERNAL_ERROR');
  });
});
