import { describe, expect, it } from 'vitest';
import {
  classifyTiktokResponse,
  TIKTOK_RATE_LIMIT_MIN_RETRY_MS,
} from '../../../lib/destinations/tiktok/errors';
import { T0 } from '../../support/clock';
import { response, rowOutcome } from '../platform-answers';

describe('classifyTiktokResponse', () => {
  it('code 0 is delivered, with the request_id', () => {
    expect(classifyTiktokResponse(response(200, { code: 0, message: 'OK', request_id: 'r-1' }), T0)).toEqual({
      kind: 'accepted',
      responseId: 'r-1',
    });
  });

  it('rate limit (40100, or HTTP 429) is retried, not within a minute', () => {
    expect(
      rowOutcome(classifyTiktokResponse(response(200, { code: 40100, message: 'Too many requests' }), T0)),
    ).toEqual({
      kind: 'retry',
      code: '40100',
      message: 'TikTok rate limit (code 40100): Too many requests',
      retryAfterMs: TIKTOK_RATE_LIMIT_MIN_RETRY_MS,
    });
    expect(
      rowOutcome(classifyTiktokResponse(response(429, { code: 40100 }, { 'retry-after': '120' }), T0)),
    ).toMatchObject({ kind: 'retry', retryAfterMs: 120_000 });
  });

  it('system errors (5xxxx) and bare 5xx answers are retried', () => {
    expect(
      rowOutcome(classifyTiktokResponse(response(200, { code: 50002, message: 'Internal error' }), T0)),
    ).toMatchObject({ kind: 'retry', code: '50002' });
    expect(rowOutcome(classifyTiktokResponse(response(503, undefined), T0))).toMatchObject({
      kind: 'retry',
      code: 'HTTP_503',
    });
  });

  it('a refused token is a configuration failure naming TIKTOK_ACCESS_TOKEN', () => {
    expect(
      rowOutcome(
        classifyTiktokResponse(response(200, { code: 40105, message: 'Access token is incorrect' }), T0),
      ),
    ).toMatchObject({
      kind: 'failed',
      reason: 'token_invalid',
      configuration: true,
      message: expect.stringContaining('TIKTOK_ACCESS_TOKEN'),
    });
  });

  it('an invalid parameter asks for the bad event to be isolated; other codes fail with their code', () => {
    expect(
      classifyTiktokResponse(response(200, { code: 40002, message: 'Invalid parameter' }), T0),
    ).toMatchObject({
      kind: 'invalid',
      code: '40002',
    });
    expect(
      rowOutcome(classifyTiktokResponse(response(200, { code: 40700, message: 'Pixel inactive' }), T0)),
    ).toEqual({
      kind: 'failed',
      reason: '40700',
      code: '40700',
      message: 'TikTok refused the request (code 40700): Pixel inactive',
    });
  });

  it('keeps PII a platform echoes out of the recorded message', () => {
    const verdict = classifyTiktokResponse(
      response(200, { code: 40700, message: 'Invalid email jane.doe@example.com' }),
      T0,
    );
    expect(JSON.stringify(rowOutcome(verdict))).not.toContain('jane.doe@example.com');
  });
});
