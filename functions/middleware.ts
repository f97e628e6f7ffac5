import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { httpErrorResponses } from '../lib/http/error-responses';
import type { HttpEvent, HttpResult } from '../lib/http/request';
import type { Runtime } from './runtime';

export type RuntimeSource = Runtime | (() => Runtime);

function resolve(source: RuntimeSource): Runtime {
  return typeof source === 'function' ? source() : source;
}

/**
 * The one middy chain of every HTTP function: logger context with the request ID as correlation ID,
 * then error → answer mapping. The runtime is resolved on first use so a bad configuration fails the
 * first invocation with the variable named, not the module import.
 */
export function httpHandler(
  source: RuntimeSource,
  handle: (event: HttpEvent, runtime: Runtime, context: Context) => Promise<HttpResult>,
) {
  let runtime: Runtime | undefined;
  const current = () => {
    runtime ??= resolve(source);
    return runtime;
  };
  const lazyLogger = {
    warn: (message: string, extra: Record<string, unknown>) => current().logger.warn(message, extra),
    error: (message: string, extra: Record<string, unknown>) => current().logger.error(message, extra),
  };
  return middy<HttpEvent, HttpResult>()
    .before(async (request) => {
      const { logger } = current();
      logger.addContext(request.context);
      logger.appendKeys({ correlation_id: request.event.requestContext?.requestId });
    })
    .use(httpErrorResponses({ logger: lazyLogger }))
    .handler((event, context) => handle(event, current(), context));
}

/** The middy chain of non-HTTP functions (schedule, manual invoke): logger context only. */
export function taskHandler<TEvent, TResult>(
  source: RuntimeSource,
  handle: (event: TEvent, runtime: Runtime, context: Context) => Promise<TResult>,
) {
  let runtime: Runtime | undefined;
  const current = () => {
    runtime ??= resolve(source);
    return runtime;
  };
  return middy<TEvent, TResult>()
    .before(async (request) => {
      current().logger.addContext(request.context);
    })
    .handler((event, context) => handle(event, current(), context));
}
