import { describe, expect, it } from 'vitest';
import { classifyMetaResponse } from '../../../lib/destinations/meta/errors';
import { RetryableError } from '../../../lib/errors';
import { T0 } from '../../support/clock';
import { errorOf, response } from '../platform-answers';

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
