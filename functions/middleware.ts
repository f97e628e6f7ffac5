import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ConnectorError } from '../lib/errors';
import { httpErrorResponses } from '../lib/http/error-responses';
import type { HttpEvent, HttpResult } from '../lib/http/request';
import { METRIC_NAMES } from '../lib/observability/metrics';
import type { Runtime } from './runtime';

export type RuntimeSource = Runtime | (() => Runtime | Promise<Runtime>);

/** The runtime once resolved; the same object for every invocation of a handler. */
type Resolved = { runtime?: Runtime };

/**
 * Resolves the runtime (first call only: configuration and SSM parameters), then gives the logger the
 * Lambda context and a correlation ID, annotates the trace, and flushes the invocation's metrics at the
 * end whatever happened. The one place every handler's observability is composed.
 */
function observe<TEvent, TResult>(
  source: RuntimeSource,
  resolved: Resolved,
  correlationId: (event: TEvent) => string | undefined,
): MiddlewareObj<TEvent, TResult, Error, Context> {
  const flush = () => {
    resolved.runtime?.metrics.flush();
    resolved.runtime?.logger.resetKeys();
  };
  return {
    before: async (request) => {
      const runtime = typeof source === 'function' ? await source() : source;
      resolved.runtime = runtime;
      runtime.logger.addContext(request.context);
      const id = correlationId(request.event);
      if (id) runtime.logger.appendKeys({ correlation_id: id });
      runtime.tracer?.putAnnotation('function', request.context.functionName);
    },
    after: async () => flush(),
    onError: async () => flush(),
  };
}

function runtimeOf(resolved: Resolved): Runtime {
  if (!resolved.runtime) throw new Error('runtime not resolved');
  return resolved.runtime;
}

/** The one middy chain of every HTTP function: observability, then error → answer mapping. */
export function httpHandler(
  source: RuntimeSource,
  handle: (event: HttpEvent, runtime: Runtime, context: Context) => Promise<HttpResult>,
) {
  const resolved: Resolved = {};
  // Before the runtime exists (a bad configuration fails its creation) there is only the console.
  const logger = {
    warn: (message: string, extra: Record<string, unknown>) =>
      resolved.runtime
        ? resolved.runtime.logger.warn(message, extra)
        : console.warn(message, JSON.stringify(extra)),
    error: (message: string, extra: Record<string, unknown>) =>
      resolved.runtime
        ? resolved.runtime.logger.error(message, extra)
        : console.error(message, JSON.stringify(extra)),
  };
  return middy<HttpEvent, HttpResult>()
    .use(observe(source, resolved, (event: HttpEvent) => event.requestContext?.requestId))
    .use(
      httpErrorResponses({
        logger,
        onRejected: (error: ConnectorError, event: HttpEvent) =>
          resolved.runtime?.metrics.count(METRIC_NAMES.webhooksRejected, {
            route: event.routeKey ?? 'unknown',
            reason: error.name,
          }),
      }),
    )
    .handler((event, context) => handle(event, runtimeOf(resolved), context));
}

/** The middy chain of non-HTTP functions (schedule, manual invoke). */
export function taskHandler<TEvent, TResult>(
  source: RuntimeSource,
  handle: (event: TEvent, runtime: Runtime, context: Context) => Promise<TResult>,
) {
  const resolved: Resolved = {};
  return middy<TEvent, TResult>()
    .use(observe<TEvent, TResult>(source, resolved, () => undefined))
    .handler((event, context) => handle(event, runtimeOf(resolved), context));
}
