import { beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentUpdateError } from '../../lib/errors';
import { createIntakeStore, type IntakeStore } from '../../lib/store/intake';
import { createTableAccess } from '../../lib/store/table-access';
import { createTestTable } from '../support/dynamo';

describe('createIntakeStore', () => {
  let store: IntakeStore;
  beforeAll(async () => {
    store = createIntakeStore(createTableAccess(await createTestTable()));
  });

  it('records a receipt once', async () => {
    expect(await store.putReceipt('hubspot', 'evt-1', 123)).toBe(true);
    expect(await store.putReceipt('hubspot', 'evt-1', 123)).toBe(false);
    expect(await store.getReceipts('hubspot', ['evt-1', 'evt-2'])).toEqual(new Set(['evt-1']));
  });

  it('advances a checkpoint only from the value it was read at', async () => {
    await store.putCheckpoint({ source: 'hubspot', until: 10, updatedAt: 1 }, undefined);

    await expect(
      store.putCheckpoint({ source: 'hubspot', until: 30, updatedAt: 2 }, 20),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await store.putCheckpoint({ source: 'hubspot', until: 30, updatedAt: 2 }, 10);
    expect((await store.getCheckpoint('hubspot'))?.until).toBe(30);
  });
});
