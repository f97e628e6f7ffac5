import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureFromReshape } from '../../lib/leads/capture';
import { saveLeadCapture, saveLeadCaptures } from '../../lib/leads/save-lead';
import { T0 } from '../support/clock';
import { leadCreatedEvent } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { countCommands } from '../support/write-counter';

const capture = (leadId: string, url?: string) =>
  captureFromReshape(leadCreatedEvent(leadId, url ? { url } : {}), T0);

describe('saveLeadCaptures', () => {
  let table: TestTable;
  let counter: ReturnType<typeof countCommands>;
  beforeAll(async () => {
    table = await createTestTable();
    counter = countCommands(table.client);
  });
  beforeEach(() => counter.reset());

  it('reads a batch’s leads at once and writes each with one conditional write', async () => {
    const captures = Array.from({ length: 60 }, (_, index) => capture(`batch-${index}`));

    await saveLeadCaptures(table.store, captures, { now: () => T0, retentionDays: 180 });

    expect(Object.fromEntries(counter.counts)).toEqual({ BatchGetItemCommand: 1, PutItemCommand: 60 });
    const stored = await table.store.getLeads(captures.map((item) => item.leadId));
    expect(stored.size).toBe(60);
    expect([...stored.values()].every((lead) => lead.revision === 1)).toBe(true);
  });

  it('applies two captures of one lead in their order, as two requests would', async () => {
    await saveLeadCaptures(
      table.store,
      [
        capture('twice', 'https://example.com/?gclid=first-gclid'),
        capture('twice', 'https://example.com/?fbclid=later-fbclid'),
      ],
      { now: () => T0, retentionDays: 180 },
    );

    const lead = await table.store.getLead('twice');
    expect(lead?.revision).toBe(2);
    expect(lead?.clickIds).toMatchObject({ gclid: 'first-gclid' });
    expect(lead?.clickIds.fbclid).toBe('later-fbclid');
  });

  it('reads a lead again when another writer got there between the batch read and its write', async () => {
    const racing = {
      ...table.store,
      // The batch read misses a lead that a concurrent request writes a moment later.
      getLeads: async () => {
        await saveLeadCapture(table.store, capture('raced'), { now: T0, retentionDays: 180 });
        return new Map();
      },
    };

    await saveLeadCaptures(racing, [capture('raced', 'https://example.com/?gclid=batch-gclid')], {
      now: () => T0,
      retentionDays: 180,
    });

    const lead = await table.store.getLead('raced');
    expect(lead?.revision).toBe(2);
    expect(lead?.clickIds.gclid).toBe('batch-gclid');
  });
});
