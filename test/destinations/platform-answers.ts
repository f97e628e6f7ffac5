import { outcomeForError } from '../../lib/destinations/errors';
import type { HttpResponse } from '../../lib/destinations/http';
import type { PlatformVerdict } from '../../lib/destinations/json-upload';
import type { RetryableError } from '../../lib/errors';

/** A platform's HTTP answer as the classifiers receive it. */
export function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    body,
    headers: new Headers(headers),
    text: body === undefined ? '' : JSON.stringify(body),
  };
}

type ErrorLike = RetryableError & { reason?: string };
/** The error of a verdict that is one (fails the test otherwise). */
export function errorOf(verdict: unknown): ErrorLike {
  const error = (verdict as { error?: ErrorLike }).error;
  if (!error) throw new Error(`no error in ${JSON.stringify(verdict)}`);
  return error;
}

/** What a whole request's verdict does to each of its rows. */
export function rowOutcome(verdict: PlatformVerdict) {
  if (verdict.kind !== 'error') return verdict;
  return outcomeForError(verdict.error);
}
