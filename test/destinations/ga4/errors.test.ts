import { describe, expect, it } from 'vitest';
import { outcomeForError } from '../../../lib/destinations/errors';
import { classifyGa4Response } from '../../../lib/destinations/ga4/errors';
import { T0 } from '../../support/clock';
import { response } from '../platform-answers';

describe('classifyGa4Response', () => {
  it('any 2xx is accepted: the Measurement Protocol says nothing more', () => {
    expect(classifyGa4Response(response(204, undefined), T0)).toEqual({ kind: 'accepted' });
  });

  it('429 and 5xx are retried; other statuses fail with the status', () => {
    expect(
      outcomeForError((classifyGa4Response(response(500, undefined), T0) as { error: Error }).error),
    ).toMatchObject({
      kind: 'retry',
      code: 'HTTP_500',
    });
    expect(
      outcomeForError((classifyGa4Response(response(403, undefined), T0) as { error: Error }).error),
    ).toMatchObject({
      kind: 'failed',
      reason: 'http_403',
    });
  });
});
