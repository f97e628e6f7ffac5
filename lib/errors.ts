/**
 * One error base for the connector. Each subclass says what the caller should do with it:
 * answer 4xx and never retry, retry later, or record a permanent platform rejection.
 * `expose` follows middy's convention: only messages of errors below 500 reach an HTTP caller.
 */
export type FieldIssue = { field: string; message: string };

export class ConnectorError extends Error {
  readonly statusCode: number = 500;
  readonly expose: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from a caller: 400 with every invalid field named; never retried. */
export class PayloadValidationError extends ConnectorError {
  override readonly statusCode = 400;
  override readonly expose = true;
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), options);
    this.issues = issues;
  }
}

/** A missing or wrong signature, token or API key: 401. */
export class AuthenticationError extends ConnectorError {
  override readonly statusCode = 401;
  override readonly expose = true;
}

/** Authenticated, but not allowed (e.g. a Salesforce org that is not ours): 403. */
export class ForbiddenError extends ConnectorError {
  override readonly statusCode = 403;
  override readonly expose = true;
}

/** Body over the route's size limit: 413. */
export class PayloadTooLargeError extends ConnectorError {
  override readonly statusCode = 413;
  override readonly expose = true;
}

/** The route exists but not for this method or content type. */
export class UnsupportedRequestError extends ConnectorError {
  override readonly statusCode: 404 | 405 | 415;
  override readonly expose = true;
  constructor(message: string, statusCode: 404 | 405 | 415) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Wrong or missing configuration; names the variable. Fails start-up, never retried. */
export class ConfigurationError extends ConnectorError {
  readonly variables: string[];
  constructor(message: string, variables: string[], options?: { cause?: unknown }) {
    super(message, options);
    this.variables = variables;
  }
}

/** Network failure, timeout, 429, 5xx or throttling: try again, not before `retryAfterMs`. */
export class RetryableError extends ConnectorError {
  readonly retryAfterMs: number | undefined;
  readonly code: string;
  constructor(message: string, options: { code: string; retryAfterMs?: number; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The platform refused the request for good; `code` is the platform's own. */
export class DestinationRejectedError extends ConnectorError {
  readonly code: string;
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
  }
}

/** Optimistic-lock or uniqueness conflict in the store; the caller re-reads and decides again. */
export class ConcurrentUpdateError extends ConnectorError {}
