import { beforeAll, describe, expect, it } from 'vitest';
import type { LeadRecord } from '../../lib/domain';
import { ConcurrentUpdateError } from '../../lib/errors';
import { createLeadStore, type LeadStore } from '../../lib/store/leads';
import { createTableAccess } from '../../lib/store/table-access';
import { createTestTable } from '../support/dynamo';

const lead = (leadId: string, revision = 1): LeadRecord => ({
  leadId,
  source: 'reshape',
  capturedAt: 1,
  updatedAt: 1,
  revision,
  clickIds: {},
  identity: { google: { emails: [], phones: [] }, meta: { em: [], ph: [] } },
});

describe('createLeadStore', () => {
  let store: LeadStore;
  beforeAll(async () => {
    store = createLeadStore(createTableAccess(await createTestTable()));
  });

  it('writes a lead once when it must not exist, then only at the expected revision', async () => {
    await store.putLead(lead('l1'), undefined, 99);

    await expect(store.putLead(lead('l1'), undefined, 99)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(store.putLead(lead('l1', 3), 2, 99)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await store.putLead(lead('l1', 2), 1, 99);
    expect((await store.getLead('l1'))?.revision).toBe(2);
  });

  it('reads leads in batches beyond the 100-key BatchGetItem limit, skipping unknown ones', async () => {
    const ids = Array.from({ length: 230 }, (_, index) => `batch-${index}`);
    for (const id of ids.slice(0, 210)) await store.putLead(lead(id), undefined, 99);

    const found = await store.getLeads([...ids, ids[0] as string]);

    expect(found.size).toBe(210);
    expect(found.get('batch-209')?.leadId).toBe('batch-209');
  });
});
