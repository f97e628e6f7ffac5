import { ConfigurationError, ConnectorError, RetryableError } from '../errors';
import { parseJsonExact } from '../http/exact-json';
import { parseRetryAfter } from '../http/retry-after';

/**
 * One JSON request to a CRM API with the connector's retry rules, translating every failure at the edge:
 * - 429: wait `Retry-After` and try again while the caller's deadline allows, else RetryableError with
 *   `retryAfterMs` (HubSpot and Salesforce both send it; a webhook has seconds, not minutes, to answer);
 * - 5xx, network errors and timeouts: a short back-off and another try within the deadline, else RetryableError;
 * - 401 / 403: ConfigurationError naming the token variable (a wrong or under-scoped token is not retried);
 * - other 4xx: ConnectorError (a request the connector should not have made).
 * Messages carry the status and the platform's error code, never the response body (it may echo data).
 */
export type CrmHttpOptions = {
  platform: string;
  /** The configuration variable that holds the token, named in auth errors. */
  tokenVariable: string;
  fetch: typeof fetch;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** Per-attempt cap when the caller gives no deadline. */
  requestTimeoutMs?: number;
  /** The longest `Retry-After` worth waiting for in-process (default 30 s); longer ones are thrown. */
  maxWaitMs?: number;
  /** A platform's own retryable answers that are not 429/5xx (Salesforce REQUEST_LIMIT_EXCEEDED is a 403). */
  isRetryable?: (status: number, code: string | undefined) => boolean;
};

export type CrmRequest = {
  operation: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Epoch ms by which the call must have answered, retries included. */
  deadline?: number;
};

const DEFAULT_TIMEOUT_MS = 10_000;
// Below this there is no point starting an attempt: it would time out before an answer arrives.
const MIN_ATTEMPT_MS = 100;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The platform's machine-readable error code: HubSpot `category`, Salesforce `[0].errorCode`. */
function errorCode(body: unknown): string | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (typeof first !== 'object' || first === null) return undefined;
  const record = first as Record<string, unknown>;
  const code = record.errorCode ?? record.category ?? record.error;
  return typeof code === 'string' && /^[\w.-]{1,80}$/.test(code) ? code : undefined;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    // CRM IDs are 64-bit (HubSpot's association `toObjectId` is a JSON number): kept exact.
    return parseJsonExact(text);
  } catch {
    return undefined;
  }
}

export async function requestCrmJson(options: CrmHttpOptions, request: CrmRequest): Promise<unknown> {
  const sleep = options.sleep ?? defaultSleep;
  const maxAttempts = options.maxAttempts ?? 3;
  const what = `${options.platform} ${request.operation}`;
  let lastError: RetryableError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const remaining =
      request.deadline === undefined ? Number.POSITIVE_INFINITY : request.deadline - options.now();
    if (remaining < MIN_ATTEMPT_MS) {
      throw (
        lastError ??
        new RetryableError(`${what}: no time left before the deadline`, { code: 'deadline_exceeded' })
      );
    }
    const timeoutMs = Math.min(remaining, options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    let response: Response;
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as { name?: string }).name === 'TimeoutError';
      lastError = new RetryableError(`${what}: ${timedOut ? 'timed out' : 'network error'}`, {
        code: timedOut ? 'timeout' : 'network',
        cause: error,
      });
      if (await backOff(attempt)) continue;
      throw lastError;
    }
    if (response.ok) {
      const body = await readJson(response);
      if (body === undefined && response.status !== 204) {
        throw new ConnectorError(`${what}: HTTP ${response.status} without a JSON body`);
      }
      return body;
    }
    const body = await readJson(response);
    const code = errorCode(body);
    const status = response.status;
    const cause = { status, code };
    const suffix = code ? ` (${code})` : '';
    if (status === 429 || status >= 500 || options.isRetryable?.(status, code)) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now());
      lastError = new RetryableError(`${what}: HTTP ${status}${suffix}`, {
        code: status === 429 || options.isRetryable?.(status, code) ? 'rate_limited' : `http_${status}`,
        retryAfterMs,
        cause,
      });
      if (await backOff(attempt, retryAfterMs)) continue;
      throw lastError;
    }
    if (status === 401 || status === 403) {
      throw new ConfigurationError(
        `${what}: HTTP ${status}${suffix}: check ${options.tokenVariable} and its scopes`,
        [options.tokenVariable],
        { cause },
      );
    }
    throw new ConnectorError(`${what}: HTTP ${status}${suffix}`, { cause });
  }
  throw lastError ?? new RetryableError(`${what}: gave up`, { code: 'exhausted' });

  /** Waits before the next attempt if one is left and it fits before the deadline; false otherwise. */
  async function backOff(attempt: number, retryAfterMs?: number): Promise<boolean> {
    if (attempt >= maxAttempts) return false;
    const wait = retryAfterMs ?? 200 * 2 ** (attempt - 1);
    if (wait > (options.maxWaitMs ?? 30_000)) return false;
    if (request.deadline !== undefined && options.now() + wait + MIN_ATTEMPT_MS > request.deadline)
      return false;
    await sleep(wait);
    return true;
  }
}
