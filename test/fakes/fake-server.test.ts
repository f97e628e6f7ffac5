import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../support/fakes/fake-server';

/** The base every fake stands on: if it lets a wrong request or a fault slip, every fake does. */
type Route = 'items' | 'other';
let fake: FakeServer<Route>;
let handled = 0;

beforeEach(async () => {
  handled = 0;
  fake = await startFakeServer<Route>({
    name: 'Example',
    route: (request) => {
      if (request.path === '/items') return 'items';
      return request.path === '/other' ? 'other' : undefined;
    },
    handle: (request, contract) => {
      handled++;
      if (request.method !== 'POST') return contract.refuse('items are POST');
      return { status: 200, body: { route: request.route } };
    },
  });
});

afterEach(async () => {
  await fake.close();
});

const post = (path: string, body = '{}') =>
  fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('startFakeServer', () => {
  it('refuses a request no route names, and one whose body is not JSON, as violations', async () => {
    expect((await post('/nowhere')).status).toBe(400);
    expect((await post('/items', 'not json')).status).toBe(400);

    expect(fake.violations).toEqual([
      'Example: POST /nowhere: no such route in the fake',
      'Example: POST /items: body is not JSON',
    ]);
    expect(handled).toBe(0);
  });

  it('names the fake and the request in a violation its handler records', async () => {
    const response = await fetch(`${fake.baseUrl}/items`);

    expect(response.status).toBe(400);
    expect(fake.violations).toEqual(['Example: GET /items: items are POST']);
  });

  it('answers queued faults in order, each `times` times, only on their route', async () => {
    fake.failNext({ status: 503 }, { route: 'items', times: 2 });
    fake.failNext({ status: 429 });

    const statuses = [];
    for (const path of ['/other', '/items', '/items', '/items']) statuses.push((await post(path)).status);

    expect(statuses).toEqual([429, 503, 503, 200]);
    expect(handled).toBe(1);
    expect(fake.count('items')).toBe(3);
    expect(fake.requestsTo('other', 'items')).toHaveLength(4);
    expect(fake.answers.map((answer) => [answer.status, answer.handled, answer.injected])).toEqual([
      [429, false, true],
      [503, false, true],
      [503, false, true],
      [200, true, false],
    ]);
  });

  it('lets the handler take a delayed request, and asks the fault policy after the queue', async () => {
    fake.delayNext(50);
    fake.setFaultPolicy((request) => (request.route === 'other' ? { status: 500 } : undefined));

    const started = performance.now();
    expect((await post('/items')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    expect((await post('/other')).status).toBe(500);
    expect(fake.answers.map((answer) => [answer.handled, answer.injected])).toEqual([
      [true, true],
      [false, true],
    ]);
  });

  it('forgets requests, answers, violations and faults on clear', async () => {
    fake.failNext({ status: 503 }, { times: 5 });
    fake.setFaultPolicy(() => ({ status: 500 }));
    await post('/nowhere');

    fake.clear();

    expect([fake.requests, fake.answers, fake.violations]).toEqual([[], [], []]);
    expect((await post('/items')).status).toBe(200);
  });
});
