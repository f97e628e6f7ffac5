import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../../../local/dashboard/server';
import { deliveryRecord } from '../../support/deliveries';
import { createTestTable } from '../../support/dynamo';

/** The dashboard's HTTP edge: loopback only, bad input a 400 naming the field, the replay form's token, the CSV. */
const delivery = deliveryRecord;

function get(
  url: string,
  host?: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard over HTTP', () => {
  let dashboard: { url: string; close: () => Promise<void> };
  const replays: unknown[] = [];
  beforeAll(async () => {
    const { store } = await createTestTable();
    await store.putDelivery(delivery('lead-a'), undefined);
    await store.putDelivery(
      delivery('lead-b', { status: 'skipped:consent', destination: 'google-ads' }),
      undefined,
    );
    await store.putDelivery(delivery('=cmd', { status: 'failed:invalid_gclid', updatedAt: 2000 }), undefined);
    dashboard = await startDashboard({
      store,
      now: () => 5000,
      source: 'test table',
      token: 'form-token',
      port: 0,
      replay: async (replay) => {
        replays.push(replay);
        return 'replayed: meta: sent';
      },
    });
  });
  afterAll(() => dashboard.close());

  it.each([
    ['/subjects?status=lost', 'status must be one of'],
    ['/subjects?destination=bing', 'destination must be one of'],
    ['/subjects?from=yesterday', 'from must be a date'],
    ['/subjects?crm=pipedrive', 'crm must be one of'],
    ['/subjects?reason=%3Cscript%3E', 'reason must be a reason code'],
    ['/subjects?cursor=bm90LWEtY3Vyc29y', 'cursor: not a cursor'],
    ['/?days=1000', 'days must be a whole number'],
  ])('answers %s with a 400 naming the field', async (path, message) => {
    const response = await get(`${dashboard.url}${path}`);
    expect(response.status).toBe(400);
    expect(response.body).toContain(message);
    expect(response.body).not.toContain('<script>');
  });

  it('answers only a loopback Host (no DNS rebinding) and names an unknown page a 404', async () => {
    expect((await get(`${dashboard.url}/`, 'evil.example:3100')).status).toBe(421);
    expect((await get(`${dashboard.url}/`, `localhost:${new URL(dashboard.url).port}`)).status).toBe(200);
    expect((await get(`${dashboard.url}/nope`)).status).toBe(404);
    expect((await get(`${dashboard.url}/subjects/lead-zzz`)).status).toBe(404);
  });

  it("refuses a replay without the page's token, and replays with it", async () => {
    const post = (body: string) =>
      fetch(`${dashboard.url}/replay`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });

    expect((await post('token=guess&subject=lead-a')).status).toBe(403);
    expect((await post('token=form-token')).status).toBe(400);
    expect((await post('token=form-token&subject=lead-a&destination=bing')).status).toBe(400);
    expect(replays).toEqual([]);

    const response = await post('token=form-token&subject=lead-a&destination=meta');
    expect(response.status).toBe(303);
    expect(replays).toEqual([{ subjects: ['lead-a'], destinations: ['meta'] }]);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/subjects\/lead-a\?notice=[0-9a-f]{16}$/);
    expect((await get(`${dashboard.url}${location}`)).body).toContain('replayed: meta: sent');
  });

  it('exports the current filter as the CSV of npm run status -- --csv', async () => {
    const all = await get(`${dashboard.url}/subjects.csv`);
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(all.body.split('\r\n').filter(Boolean)).toHaveLength(4);

    const meta = await get(`${dashboard.url}/subjects.csv?destination=meta&status=failed`);
    expect(meta.body).toBe(
      'subject,destination,status,reason,attempts,last_attempt,platform_request_id\r\n' +
        "'=cmd,meta,failed,invalid_gclid,1,1970-01-01T00:00:02.000Z,\r\n",
    );
  });
});
