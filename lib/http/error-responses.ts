import type { MiddlewareObj } from '@middy/core';
import { ConnectorError, PayloadValidationError } from '../errors';
import { type HttpEvent, type HttpResult, jsonResult } from './request';

export type ErrorLogger = {
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
};

/**
 * Turns thrown errors into answers. A caller's mistake (ConnectorError with `expose`) gets its status and
 * a message naming the field; anything else is ours, is logged, and answers a bare 500 so that the CRM
 * retries later and no internal detail leaks (middy's `expose = status < 500` rule).
 */
export function httpErrorResponses(options: {
  logger: ErrorLogger;
  onRejected?: (error: ConnectorError, event: HttpEvent) => void;
}): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      const requestId = request.event?.requestContext?.requestId;
      if (error instanceof ConnectorError && error.expose) {
        options.onRejected?.(error, request.event);
        options.logger.warn('request rejected', {
          status: error.statusCode,
          reason: error.name,
          fields:
            error instanceof PayloadValidationError ? error.issues.map((issue) => issue.field) : undefined,
        });
        request.response = jsonResult(error.statusCode, {
          error: error.message,
          ...(error instanceof PayloadValidationError ? { issues: error.issues } : {}),
          requestId,
        });
        return;
      }
      options.logger.error('request failed', {
        error: { name: (error as Error | undefined)?.name, message: (error as Error | undefined)?.message },
      });
      request.response = jsonResult(500, { error: 'internal error; retry later', requestId });
    },
  };
}
