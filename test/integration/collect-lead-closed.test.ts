import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { sha256Hex } from '../../lib/leads/hash';
import { emptySummary } from '../../lib/pipeline/delivery-summary';
import type { DispatchSubjects } from '../../lib/pipeline/dispatch';
import { createClock, type TestClock } from '../support/clock';
import { createTestTable, type TestTable } from '../support/dynamo';
import { startLocalApi } from '../support/local-api';
import { createTestRuntime, TEST_COLLECT_KEY } from '../support/runtime';
import { scanTable } from '../support/table-items';

/** What the handler hands to the destinations: the runtime's dispatcher, replaced to record it. */
const dispatched: string[][] = [];
const recordDispatch: DispatchSubjects = async (closeKeys) => {
  dispatched.push([...closeKeys]);
  return { subjects: closeKeys.length, ...emptySummary() };
};

const SEEDS = join(__dirname, '..', 'fixtures', 'seeds');
const seed = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SEEDS, `${name}.json`), 'utf8'));
const T0 = Date.UTC(2026, 10, 20, 12);

let table: TestTable;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clock: TestClock;

async function collect(body: unknown) {
  const response = await fetch(`${api.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_COLLECT_KEY },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeEach(async () => {
  table = await createTestTable();
  clock = createClock(T0, { realTime: true });
  dispatched.length = 0;
  const runtime = createTestRuntime(table, {}, { now: clock.now, dispatchSubjects: recordDispatch });
  api = await startLocalApi({ collect: createCollectHandler(runtime) });
});

afterEach(async () => {
  await api.close();
});

describe('POST /v1/events with lead_closed', () => {
  it('records a pushed close like a CRM close and hands it to the destinations', async () => {
    const answer = await collect(seed('lead-closed-lost-competitor'));

    expect(answer).toEqual({ status: 202, body: { accepted: ['lead_abc123'] } });
    const close = await table.store.getClose('lead_abc123');
    expect(close).toMatchObject({
      subjectKey: 'lead_abc123',
      leadId: 'lead_abc123',
      crm: 'api',
      outcome: 'lost',
      value: 0,
      currency: 'USD',
      closureReason: 'lost_to_competitor',
      salesCycleDays: 38,
      userId: 'cust_abc123',
      version: 1,
    });
    expect(close?.closedAt).toBeGreaterThanOrEqual(T0);
    expect(close?.contactIdentity?.google.emails).toEqual([sha256Hex('customer@example.com')]);
    expect(JSON.stringify(await scanTable(table))).not.toContain('customer@example.com');
    expect(dispatched).toEqual([['lead_abc123']]);
  });

  it("reads the seed's Minimal example (no close_outcome, value > 0) as won", async () => {
    await collect(seed('lead-closed-minimal'));
    expect(await table.store.getClose('lead_abc123')).toMatchObject({
      outcome: 'won',
      value: 4500,
      currency: 'USD',
    });
  });

  it('keeps the close time a sender gives, and files a free-text reason under the vocabulary', async () => {
    const body = seed('lead-closed-lost-price') as { event: Record<string, unknown> };
    body.event.timestamp = '2026-11-02T14:05:00Z';
    (body.event.properties as Record<string, unknown>).closure_reason = 'Too expensive for them';
    await collect(body);
    expect(await table.store.getClose('lead_abc123')).toMatchObject({
      closedAt: Date.parse('2026-11-02T14:05:00Z'),
      closureReason: 'price',
      closureDetail: 'budget_constraints',
    });
  });

  it('changes nothing for the same push again, and versions a re-valued one', async () => {
    await collect(seed('lead-closed-won'));
    clock.advance(1000);
    await collect(seed('lead-closed-won'));
    expect((await table.store.getClose('lead_abc123'))?.version).toBe(1);
    expect(dispatched).toEqual([['lead_abc123']]);

    const revalued = seed('lead-closed-won') as { event: Record<string, unknown> };
    revalued.event.value = 5100;
    clock.advance(1000);
    await collect(revalued);
    expect(await table.store.getClose('lead_abc123')).toMatchObject({
      version: 2,
      value: 5100,
      previous: { version: 1, outcome: 'won', value: 4500, currency: 'USD' },
    });
  });

  it('stores leads and closes of one array, and rejects the whole array for one bad close', async () => {
    const created = { event: { name: 'lead_created', id: 'lead_mixed' }, user: { email: 'a@example.com' } };
    const closed = {
      ...seed('lead-closed-won'),
      event: { name: 'lead_closed', value: 10, currency: 'EUR', id: 'lead_mixed' },
    };
    const ok = await collect([created, closed]);
    expect(ok).toEqual({ status: 202, body: { accepted: ['lead_mixed', 'lead_mixed'] } });
    expect(await table.store.getLead('lead_mixed')).toBeDefined();
    expect(await table.store.getClose('lead_mixed')).toMatchObject({
      outcome: 'won',
      value: 10,
      currency: 'EUR',
    });

    const before = (await scanTable(table)).length;
    const bad = await collect([
      { ...created, event: { name: 'lead_created', id: 'lead_other' } },
      { event: { name: 'lead_closed', value: -1, currency: 'EUR', id: 'lead_other' }, user: {} },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ field: '[1].event.value', message: 'must not be negative' }]);
    expect((await scanTable(table)).length).toBe(before);
  });
});
