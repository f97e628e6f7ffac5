import { describe, expect, it } from 'vitest';
import { classifyDataManagerResponse } from '../../../../lib/destinations/google-ads/data-manager/errors';
import { RetryableError } from '../../../../lib/errors';
import { T0 } from '../../../support/clock';
import { errorOf, response } from '../../platform-answers';

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
