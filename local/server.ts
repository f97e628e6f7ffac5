import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, PayloadValidationError } from '../lib/errors';
import { matchRoute } from '../lib/http/match-route';
import type { HttpResult } from '../lib/http/request';
import { type FunctionName, HTTP_ROUTES } from '../lib/http/routes';
import { toHttpApiEvent } from './api-gateway';
import { useLocalDynamo } from './dynamo';
import { applyLocalDefaults } from './env';
import { type AnyHandler, loadHandler } from './functions';
import { createLambdaContext } from './lambda-context';

/** API Gateway HTTP APIs refuse payloads over 10 MB before Lambda sees them. */
const API_GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

export type HandlerLookup = (name: FunctionName) => Promise<AnyHandler | undefined>;

function send(response: import('node:http').ServerResponse, result: HttpResult) {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies.join(', ');
  response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  const body = result.body ?? '';
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function jsonError(statusCode: number, message: string): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: message }),
  };
}

/**
 * DESIGN.md's routes over plain HTTP: each request becomes the API Gateway event Lambda would get and
 * goes to the same handler, whose answer is written back as API Gateway would.
 */
export function createLocalServer(lookup: HandlerLookup = loadHandler): Server {
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_GATEWAY_MAX_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', async () => {
      try {
        if (tooLarge) return send(response, jsonError(413, 'request body too large'));
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        if (request.method === 'GET' && path === '/health')
          return send(response, { statusCode: 200, body: 'ok' });
        const matches = HTTP_ROUTES.map((route) => ({ route, params: matchRoute(route.path, path) })).filter(
          (match) => match.params !== undefined,
        );
        const match = matches.find((candidate) => candidate.route.method === request.method);
        if (!match) {
          return send(
            response,
            matches.length > 0 ? jsonError(405, 'method not allowed') : jsonError(404, 'not found'),
          );
        }
        const handler = await lookup(match.route.functionName);
        if (!handler) return send(response, jsonError(404, `${match.route.functionName} is not available`));
        const event = toHttpApiEvent({
          method: request.method ?? 'POST',
          url: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks),
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          route: match.route,
          pathParameters: match.params ?? {},
        });
        const result = (await handler(event, createLambdaContext(match.route.functionName))) as HttpResult;
        send(response, result);
      } catch (error) {
        // A caller's mistake found before the handler (a malformed path) is answered as the handlers would.
        if (error instanceof ConnectorError && error.expose) {
          return send(response, {
            statusCode: error.statusCode,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              error: error.message,
              ...(error instanceof PayloadValidationError ? { issues: error.issues } : {}),
            }),
          });
        }
        // An unhandled handler error is what API Gateway turns into a bare 500.
        console.error('local server: handler failed', (error as Error).message);
        send(response, jsonError(500, 'Internal Server Error'));
      }
    });
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function main() {
  applyLocalDefaults();
  const dynamo = await useLocalDynamo();
  const { getDefaultRuntime } = await import('../functions/runtime');
  const runtime = await getDefaultRuntime();
  const server = createLocalServer();
  const port = await listen(server, runtime.config.port, process.env.HOST ?? '127.0.0.1');
  console.log(`crm-conversions local server on http://127.0.0.1:${port}`);
  for (const route of HTTP_ROUTES) console.log(`  ${route.method} ${route.path} → ${route.functionName}`);
  console.log(
    dynamo.embedded
      ? `embedded DynamoDB at ${dynamo.endpoint} (share it: export DYNAMODB_ENDPOINT=${dynamo.endpoint})`
      : `DynamoDB at ${dynamo.endpoint}`,
  );
  console.log(`table ${runtime.config.tableName}${runtime.config.dryRun ? ', DRY_RUN on' : ''}`);
  const stop = async () => {
    server.close();
    await dynamo.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
