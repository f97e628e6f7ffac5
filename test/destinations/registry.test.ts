import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { createDestinations } from '../../lib/destinations/registry';
import { type Destination, defineDestination, type RowOutcome } from '../../lib/destinations/types';
import { createClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline } from '../support/pipeline';
import { createTestRuntime } from '../support/runtime';

describe('createDestinations', () => {
  const fetchStub = (async () => new Response('{}')) as typeof fetch;

  it('builds only the destinations whose credentials are configured', () => {
    const none = loadConfig({});
    expect(createDestinations(none, { fetch: fetchStub, now: Date.now })).toEqual([]);
    expect(none.disabled.map((capability) => capability.name)).toEqual(
      expect.arrayContaining(['google-ads', 'meta']),
    );

    const metaOnly = loadConfig({ META_PIXEL_ID: '1234567890', META_ACCESS_TOKEN: 'EAAtoken' });
    expect(createDestinations(metaOnly, { fetch: fetchStub, now: Date.now }).map((d) => d.name)).toEqual([
      'meta',
    ]);
    expect(none.disabled.map((capability) => capability.name)).toEqual(
      expect.arrayContaining(['ga4', 'tiktok']),
    );

    const analyticsAndTiktok = loadConfig({
      GA4_MEASUREMENT_ID: 'G-ABC123',
      GA4_API_SECRET: 'secret',
      TIKTOK_PIXEL_CODE: 'CABC123',
      TIKTOK_ACCESS_TOKEN: 'token',
    });
    const built = createDestinations(analyticsAndTiktok, { fetch: fetchStub, now: Date.now });
    expect(built.map((d) => d.name)).toEqual(['ga4', 'tiktok']);
    // Every destination maps every event type: closes, orders and funnel stages.
    for (const destination of built)
      expect(Object.keys(destination.mappings).sort()).toEqual([
        'checkout_completed',
        'lead_closed',
        'lead_stage',
      ]);
  });
});

/**
 * The contract as issue 7 will use it: a destination defined outside lib/ (as a new folder would be)
 * plugs into the pipeline with no pipeline change — its own mapping, batch size and upload.
 */
describe('a destination plugged in through the contract', () => {
  let table: TestTable;
  const clock = createClock();

  beforeEach(async () => {
    table = await createTestTable();
  });

  function exampleDestination(uploads: string[][]): Destination {
    return defineDestination<{ id: string; value: number }>({
      name: 'example',
      mappings: {
        lead_closed: ({ close }) =>
          close.value > 0
            ? {
                kind: 'send',
                row: { id: close.subjectKey, value: close.value },
                batch: 'rows',
                accepted: {
                  version: close.version,
                  outcome: close.outcome,
                  value: close.value,
                  currency: close.currency,
                  at: clock.now(),
                },
              }
            : { kind: 'skip', reason: 'zero_value' },
      },
      maxBatchSize: () => 2,
      describe: (rows) => ({ method: 'POST', url: 'https://example.invalid/rows', body: { rows } }),
      async upload(rows) {
        uploads.push(rows.map((row) => row.id));
        return {
          outcomes: rows.map((): RowOutcome => ({ kind: 'delivered', responseId: 'example-1' })),
          requests: 1,
        };
      },
    });
  }

  it('is planned, mapped, batched by its own limit and recorded like the built-in ones', async () => {
    const uploads: string[][] = [];
    const runtime = createTestRuntime(
      table,
      {},
      { now: clock.now, destinations: [exampleDestination(uploads)] },
    );
    const ids = ['x-1', 'x-2', 'x-3', 'x-4'];
    for (const id of ids) {
      await storeLead(runtime.store, id);
      await storeClose(runtime.store, closeInput(id, id === 'x-4' ? { outcome: 'lost', value: 0 } : {}));
    }

    const summary = await dispatchInline(runtime, ids);

    expect(uploads).toEqual([['x-1', 'x-2'], ['x-3']]);
    expect(summary.deliveries).toEqual({ example: { delivered: 3, 'skipped:zero_value': 1 } });
    expect((await deliveriesOf(runtime, 'x-1')).example).toMatchObject({
      status: 'delivered',
      platformResponseId: 'example-1',
      payload: { url: 'https://example.invalid/rows', body: { rows: [{ id: 'x-1', value: 4500 }] } },
    });
  });
});
