import { describe, expect, it } from 'vitest';
import {
  classifyAdsError,
  classifyAdsResponse,
} from '../../../../lib/destinations/google-ads/ads-api/errors';
import type { BatchAnswer } from '../../../../lib/destinations/isolate';
import { T0 } from '../../../support/clock';
import { errorOf, response } from '../../platform-answers';

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
