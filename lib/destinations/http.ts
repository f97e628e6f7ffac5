import { RetryableError } from '../errors';

/**
 * One HTTP request to a platform with Node's fetch: a timeout that never outlives the caller's deadline,
 * and transport failures (DNS, reset, timeout) turned into RetryableError. HTTP statuses are returned, not
 * thrown: each destination classifies its own platform's answers.
 */
export type HttpResponse = { status: number; headers: Headers; body: unknown; text: string };

export type HttpRequest = {
  fetch: typeof fetch;
  url: string;
  headers: Record<string, string>;
  body: string;
  now: () => number;
  deadline: number;
  timeoutMs: number;
};

/** Below this, a request cannot finish usefully; leave the work for the next run instead. */
const MIN_REQUEST_MS = 250;

export function postRequest(request: HttpRequest): Promise<HttpResponse> {
  return sendRequest('POST', request);
}

/** A GET (Data Manager `requestStatus:retrieve`): the same timeout and transport-error rules as a POST. */
export function getRequest(request: Omit<HttpRequest, 'body'>): Promise<HttpResponse> {
  return sendRequest('GET', request);
}

async function sendRequest(
  method: 'GET' | 'POST',
  request: Omit<HttpRequest, 'body'> & { body?: string },
): Promise<HttpResponse> {
  const remaining = request.deadline - request.now();
  if (remaining < MIN_REQUEST_MS) {
    throw new RetryableError('no time left before the deadline to make the request', { code: 'deadline' });
  }
  const timeoutMs = Math.min(request.timeoutMs, remaining);
  let response: Response;
  try {
    response = await request.fetch(request.url, {
      method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      // The platform may have received it: every destination's ids make a repeat an update, not a duplicate.
      throw new RetryableError(`no answer within ${timeoutMs} ms`, { code: 'timeout', cause: error });
    }
    throw new RetryableError('network error', { code: 'network', cause: error });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new RetryableError('connection lost while reading the answer', { code: 'network', cause: error });
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}
