import { describe, expect, it } from 'vitest';
import { createReadOnlyStore, READ_VERB } from '../../lib/backfill/read-only-store';
import type { DeliveryRecord } from '../../lib/domain';
import { T0 } from '../support/clock';
import { closeInput, storeClose } from '../support/conversions';
import { createTestTable } from '../support/dynamo';
import { scanTable } from '../support/table-items';

const delivery: DeliveryRecord = {
  subjectKey: 'lead_1',
  destination: 'meta',
  status: 'skipped:dry_run',
  subjectVersion: 1,
  attempts: 1,
  createdAt: T0,
  updatedAt: T0,
};

describe('createReadOnlyStore', () => {
  it('reads the real table and writes nothing, keeping the deliveries it would have written', async () => {
    const table = await createTestTable();
    await storeClose(table.store, closeInput('lead_1'));
    const before = await scanTable(table);
    const store = createReadOnlyStore(table.store);

    expect((await store.getClose('lead_1'))?.subjectKey).toBe('lead_1');
    for (const [name, member] of Object.entries(store)) {
      if (typeof member === 'function' && !READ_VERB.test(name) && name !== 'putDelivery') {
        await (member as () => Promise<unknown>)();
      }
    }
    await store.putDelivery(delivery, undefined);

    expect(await scanTable(table)).toEqual(before);
    expect(store.wouldWrite).toEqual([delivery]);
  });

  it('answers a write as a success, so the rehearsal goes on as a real run would', async () => {
    const table = await createTestTable();
    const store = createReadOnlyStore(table.store);
    expect(await store.markSubjectPlanned('x', 1)).toBe(true);
    expect(await store.putReceipt('hubspot', 'evt', 1)).toBe(true);
  });
});
