import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PayloadTooLargeError, PayloadValidationError } from '../errors';
import { parseJsonExact } from './exact-json';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** API Gateway lower-cases header names in payload v2; callers and tests may not. */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The body exactly as sent (signatures are computed over these bytes), size-checked. */
export function rawBody(event: HttpEvent, maxBytes: number): string {
  const body = event.body ?? '';
  const buffer = event.isBase64Encoded ? Buffer.from(body, 'base64') : undefined;
  const size = buffer ? buffer.byteLength : Buffer.byteLength(body, 'utf8');
  if (size > maxBytes) throw new PayloadTooLargeError(`body is ${size} bytes; the limit is ${maxBytes}`);
  return buffer ? buffer.toString('utf8') : body;
}

/** A JSON body; `exactIntegers` keeps integers above 2^53 as exact decimal strings (exact-json.ts). */
export function parseJsonBody(text: string, options: { exactIntegers?: boolean } = {}): unknown {
  if (text.trim() === '') throw new PayloadValidationError([{ field: '(body)', message: 'required' }]);
  try {
    return options.exactIntegers ? parseJsonExact(text) : JSON.parse(text);
  } catch {
    throw new PayloadValidationError([{ field: '(body)', message: 'not valid JSON' }]);
  }
}

export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
