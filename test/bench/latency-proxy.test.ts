import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { countDynamoCalls } from '../../bench/dynamo-counter';
import {
  countCalls,
  createCallLog,
  delayRequests,
  type LatencyProxy,
  startLatencyProxy,
} from '../../bench/latency-proxy';
import { createStore } from '../../lib/store/store';
import { ensureTable, startDynalite } from '../../local/dynalite';

/** A target that answers every request with what it received, and remembers it. */
async function startEcho() {
  const received: { method: string; path: string; body: string; host: string | undefined }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        body,
        host: request.headers.host,
      });
      response.writeHead(201, { 'content-type': 'application/json', 'x-echo': 'yes' });
      response.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A delay the test releases by hand: no clock is involved, so nothing here asserts a time. */
function heldDelay() {
  const asked: number[] = [];
  const waiting: (() => void)[] = [];
  return {
    asked,
    delay: (ms: number) =>
      new Promise<void>((resolve) => {
        asked.push(ms);
        waiting.push(resolve);
      }),
    pending: () => waiting.length,
    releaseAll() {
      for (const release of waiting.splice(0)) release();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean) {
  for (let round = 0; round < 500 && !condition(); round++) await new Promise((r) => setTimeout(r, 2));
  if (!condition()) throw new Error('condition never held');
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
});

async function setUp(latencyMs: number) {
  const echo = await startEcho();
  const held = heldDelay();
  const log = createCallLog();
  let tick = 0;
  const proxy: LatencyProxy = await startLatencyProxy({
    service: 'meta',
    target: echo.url,
    latencyMs,
    log,
    delay: held.delay,
    clock: () => ++tick,
  });
  cleanups.push(echo.close, proxy.close);
  return { echo, held, log, proxy };
}

describe('startLatencyProxy', () => {
  it('holds each request for the service latency before the target sees it, then relays the answer', async () => {
    const { echo, held, log, proxy } = await setUp(200);

    const answer = fetch(`${proxy.url}/v26.0/123/events?access_token=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"data":[1]}',
    });
    await until(() => held.pending() === 1);
    await settle();

    expect(held.asked).toEqual([200]);
    expect(echo.received).toEqual([]);
    held.releaseAll();
    const response = await answer;
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(await response.json()).toEqual({ echoed: '{"data":[1]}' });
    expect(echo.received).toEqual([
      {
        method: 'POST',
        path: '/v26.0/123/events?access_token=x',
        body: '{"data":[1]}',
        host: new URL(echo.url).host,
      },
    ]);
    expect(log.take()).toEqual([{ service: 'meta', operation: 'POST /v26.0/123/events', start: 1, end: 2 }]);
  });

  it('asks for no delay when the latency is zero', async () => {
    const { echo, held, proxy } = await setUp(0);

    const response = await fetch(`${proxy.url}/x`);

    expect(response.status).toBe(201);
    expect(held.asked).toEqual([]);
    expect(echo.received).toHaveLength(1);
  });

  it('delays concurrent requests side by side, one delay each', async () => {
    const { echo, held, log, proxy } = await setUp(5);

    const answers = [1, 2, 3].map((n) =>
      fetch(`${proxy.url}/call/${n}`, { method: 'POST', body: String(n) }),
    );
    await until(() => held.pending() === 3);

    expect(echo.received).toEqual([]);
    held.releaseAll();
    expect((await Promise.all(answers)).map((response) => response.status)).toEqual([201, 201, 201]);
    expect(held.asked).toEqual([5, 5, 5]);
    expect(
      log
        .take()
        .map((call) => call.operation)
        .sort(),
    ).toEqual(['POST /call/1', 'POST /call/2', 'POST /call/3']);
  });
});

describe('delayRequests', () => {
  it('holds each request for the latency before the server sees it, its body intact', async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push(Buffer.concat(chunks).toString('utf8'));
        response.end('ok');
      });
    });
    const held = heldDelay();
    delayRequests(server, 8, held.delay);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const { port } = server.address() as AddressInfo;

    const answer = fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{"TableName":"t"}' });
    await until(() => held.pending() === 1);
    await settle();

    expect(held.asked).toEqual([8]);
    expect(seen).toEqual([]);
    held.releaseAll();
    expect(await (await answer).text()).toBe('ok');
    expect(seen).toEqual(['{"TableName":"t"}']);
  });
});

describe('countDynamoCalls', () => {
  it('logs every DynamoDB call the client sends, by action, the store’s included', async () => {
    const dynamo = await startDynalite();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    cleanups.push(async () => {
      client.destroy();
      await dynamo.stop();
    });
    await ensureTable(client, 'counted');
    const log = createCallLog();
    let tick = 0;
    countDynamoCalls(client, log, () => ++tick);
    const store = createStore({ client, tableName: 'counted' });

    await store.putReceipt('hubspot', 'e1', 1);
    await store.getState({ receipts: { source: 'hubspot', ids: ['e1', 'e2'] }, leads: ['l1'] });
    await store.getClose('c1');

    const calls = log.take();
    expect(calls.map((call) => call.operation)).toEqual(['PutItem', 'BatchGetItem', 'GetItem']);
    expect(calls[0]).toEqual({ service: 'dynamodb', operation: 'PutItem', start: 1, end: 2 });
    expect(countCalls(calls)).toEqual({
      byService: { dynamodb: 3 },
      byOperation: { 'dynamodb PutItem': 1, 'dynamodb BatchGetItem': 1, 'dynamodb GetItem': 1 },
    });
  });
});
