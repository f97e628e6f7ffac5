import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackfillHandler } from '../../functions/backfill';
import { createLambdaContext } from '../../local/lambda-context';
import { createTestTable } from '../support/dynamo';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * Every sample in events/backfill goes through the deployed handler as `npm run invoke` sends it: the good
 * ones run (the schedule's two shapes, a manual window, retryNow, a dry run), the `bad-*` ones are refused
 * with their fields named and write nothing.
 */
const EVENTS = join(__dirname, '..', '..', 'events', 'backfill');
const samples = readdirSync(EVENTS).filter((file) => file.endsWith('.json'));

describe('events/backfill samples', () => {
  it('has a scheduled event, a manual window, retryNow, a dry run and bad inputs', () => {
    expect(samples).toEqual(
      expect.arrayContaining(['scheduled.json', 'manual-window.json', 'retry-now.json', 'dry-run.json']),
    );
    expect(samples.filter((file) => file.startsWith('bad-')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(samples)('%s runs, or is refused when bad-*', async (file) => {
    const table = await createTestTable();
    const handler = createBackfillHandler(createTestRuntime(table));
    const event: unknown = JSON.parse(readFileSync(join(EVENTS, file), 'utf8'));

    const result = await handler(event, createLambdaContext('backfill'));

    if (file.startsWith('bad-')) {
      expect(result).toMatchObject({ ok: false, error: 'invalid backfill input' });
      expect(await scanTable(table)).toEqual([]);
    } else expect(result).toMatchObject({ ok: true, more: false });
  });
});
