import { ConfigurationError, DestinationRejectedError, RetryableError } from '../errors';
import { redactMessage } from '../observability/redact';
import type { RowOutcome } from './types';

/**
 * A platform answer that means our configuration is wrong (a missing OAuth scope, an expired or revoked
 * token): not retried, recorded as `failed:<reason>` with a message that names what to fix.
 */
export class DestinationConfigurationError extends ConfigurationError {
  readonly reason: string;
  constructor(message: string, options: { reason: string; variables: string[]; cause?: unknown }) {
    super(message, options.variables, { cause: options.cause });
    this.reason = options.reason;
  }
}

/** A status reason: lower-case words joined by underscores (`INVALID_ARGUMENT` → `invalid_argument`). */
export function toReason(code: string | number): string {
  const reason = String(code)
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return reason === '' ? 'unknown' : reason.slice(0, 80);
}

/** Any error a whole request ended with, as the outcome of each of its rows. */
export function outcomeForError(error: unknown): RowOutcome {
  if (error instanceof RetryableError) {
    return {
      kind: 'retry',
      code: error.code,
      message: redactMessage(error.message),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
  if (error instanceof DestinationConfigurationError) {
    return {
      kind: 'failed',
      reason: error.reason,
      code: error.reason,
      message: redactMessage(error.message),
      configuration: true,
    };
  }
  if (error instanceof DestinationRejectedError) {
    return {
      kind: 'failed',
      reason: toReason(error.code),
      code: error.code,
      message: redactMessage(error.message),
    };
  }
  if (error instanceof ConfigurationError) {
    return {
      kind: 'failed',
      reason: 'configuration',
      code: 'configuration',
      message: redactMessage(error.message),
      configuration: true,
    };
  }
  // A bug or an answer we could not read: try again later; the attempt cap ends it if it persists.
  return { kind: 'retry', code: 'internal_error', message: redactMessage((error as Error)?.message) };
}
