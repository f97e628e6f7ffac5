import { beforeAll, describe, expect, it } from 'vitest';
import type { CloseInput } from '../../lib/domain';
import { closeFingerprint, decideCloseWrite, recordClose } from '../../lib/pipeline/record-close';
import { createTestTable, type TestTable } from '../support/dynamo';
import { scanTable } from '../support/table-items';
import { countCommands } from '../support/write-counter';

const won = (overrides: Partial<CloseInput> = {}): CloseInput => ({
  leadId: 'lead_1',
  crm: 'hubspot',
  dealId: '42',
  outcome: 'won',
  value: 4500,
  currency: 'USD',
  closedAt: 1_000,
  sourceUpdatedAt: 1_000,
  ...overrides,
});

describe('decideCloseWrite', () => {
  it('creates version 1, unplanned, keyed by lead ID', () => {
    expect(decideCloseWrite(undefined, won(), 5)).toEqual({
      action: 'created',
      next: {
        ...won(),
        subjectKey: 'lead_1',
        version: 1,
        fingerprint: 'won|4500.00|USD',
        recordedAt: 5,
        updatedAt: 5,
        planned: false,
      },
    });
  });

  it('keys a close without lead ID by its CRM deal', () => {
    expect(decideCloseWrite(undefined, won({ leadId: undefined }), 5).next?.subjectKey).toBe(
      'hubspot-deal:42',
    );
  });

  it('ignores a re-opened deal that never closed here', () => {
    expect(decideCloseWrite(undefined, won({ outcome: 'reopened' }), 5)).toEqual({ action: 'ignored' });
  });

  it('leaves a repeat unchanged and refuses older news', () => {
    const existing = decideCloseWrite(undefined, won({ sourceUpdatedAt: 2_000 }), 5).next;
    expect(decideCloseWrite(existing, won({ sourceUpdatedAt: 2_000 }), 6)).toEqual({ action: 'unchanged' });
    expect(decideCloseWrite(existing, won({ value: 10, sourceUpdatedAt: 1_999 }), 6)).toEqual({
      action: 'stale',
    });
  });

  it.each([
    ['re-valued', { value: 5000 }],
    ['flipped', { outcome: 'lost' as const, value: 0 }],
    ['re-opened', { outcome: 'reopened' as const, value: 0 }],
    ['re-priced in another currency', { currency: 'EUR' }],
  ])('makes a %s deal the next version, remembering the previous one', (_case, change) => {
    const existing = decideCloseWrite(
      undefined,
      won({ contactIdentity: { google: { emails: ['h'], phones: [] }, meta: { em: ['h'], ph: [] } } }),
      5,
    ).next;
    const decision = decideCloseWrite(existing, won({ ...change, sourceUpdatedAt: 3_000 }), 9);

    expect(decision.action).toBe('updated');
    expect(decision.next).toMatchObject({
      ...change,
      version: 2,
      previous: { version: 1, outcome: 'won', value: 4500, currency: 'USD' },
      recordedAt: 5,
      updatedAt: 9,
      planned: false,
      contactIdentity: existing?.contactIdentity,
    });
  });

  it('keeps the close time and sales cycle of a deal re-valued in the same outcome', () => {
    const existing = decideCloseWrite(undefined, won({ closedAt: 1_000, salesCycleDays: 30 }), 5).next;
    // A Salesforce message for the amount change: its LastModifiedDate is the change, not the close.
    const revalued = won({ value: 5000, closedAt: 9_000, sourceUpdatedAt: 9_000, salesCycleDays: 31 });

    expect(decideCloseWrite(existing, revalued, 9).next).toMatchObject({
      value: 5000,
      version: 2,
      closedAt: 1_000,
      salesCycleDays: 30,
      sourceUpdatedAt: 9_000,
    });
  });

  it('takes the new close time of a deal that changed outcome', () => {
    const existing = decideCloseWrite(undefined, won({ closedAt: 1_000, salesCycleDays: 30 }), 5).next;
    const flipped = won({
      outcome: 'lost',
      value: 0,
      closedAt: 9_000,
      sourceUpdatedAt: 9_000,
      salesCycleDays: 31,
    });

    expect(decideCloseWrite(existing, flipped, 9).next).toMatchObject({
      closedAt: 9_000,
      salesCycleDays: 31,
    });
  });

  it('keeps a deal on the key its close already has, and learns a lead ID as a new version', () => {
    const dealKeyed = decideCloseWrite(undefined, won({ leadId: undefined }), 5).next;
    expect(dealKeyed?.subjectKey).toBe('hubspot-deal:42');

    const decision = decideCloseWrite(
      dealKeyed,
      won({ subjectKey: 'hubspot-deal:42', leadId: 'lead_late', sourceUpdatedAt: 2_000 }),
      9,
    );

    expect(decision.action).toBe('updated');
    expect(decision.next).toMatchObject({ subjectKey: 'hubspot-deal:42', leadId: 'lead_late', version: 2 });
  });

  it('writes the recorder’s claim with the version it records, and drops an earlier version’s', () => {
    const created = decideCloseWrite(undefined, won(), 5, 60_005).next;
    const revalued = decideCloseWrite(created, won({ value: 5000, sourceUpdatedAt: 2_000 }), 9).next;
    const reclaimed = decideCloseWrite(created, won({ value: 5000, sourceUpdatedAt: 2_000 }), 9, 70_009).next;

    expect(created?.claimedUntil).toBe(60_005);
    expect(revalued).toBeDefined();
    expect(revalued && 'claimedUntil' in revalued).toBe(false);
    expect(reclaimed?.claimedUntil).toBe(70_009);
    expect(decideCloseWrite(undefined, won(), 5).next).not.toHaveProperty('claimedUntil');
  });

  it('fingerprints to cents so float noise is not a change', () => {
    expect(closeFingerprint({ outcome: 'won', value: 0.1 + 0.2, currency: 'USD' })).toBe('won|0.30|USD');
  });
});

describe('recordClose', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable();
  });

  it('records 10 concurrent deliveries of one close as one close at version 1', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => recordClose(table.store, won({ leadId: 'lead_c', dealId: 'c' }), 7)),
    );

    expect(results.filter((result) => result.action === 'created')).toHaveLength(1);
    expect(results.filter((result) => result.action === 'unchanged')).toHaveLength(9);
    const closes = (await scanTable(table)).filter((item) => item.type === 'close');
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ version: 1, closeKey: 'lead_c' });
    expect(await table.store.getDealPointers('hubspot', ['c'])).toEqual(new Map([['c', 'lead_c']]));
  });

  it('lands concurrent different values on consecutive versions, none lost', async () => {
    await recordClose(table.store, won({ leadId: 'lead_v', dealId: 'v' }), 1);
    const results = await Promise.all(
      [5000, 6000, 7000].map((value, index) =>
        recordClose(
          table.store,
          won({ leadId: 'lead_v', dealId: 'v', value, sourceUpdatedAt: 2_000 + index }),
          2,
        ),
      ),
    );

    const close = await table.store.getClose('lead_v');
    expect(results.every((result) => result.action === 'updated' || result.action === 'stale')).toBe(true);
    expect(close?.version).toBe(1 + results.filter((result) => result.action === 'updated').length);
    expect(close?.value).toBe(7000);
  });

  it('takes the close the caller read instead of reading it, and skips a pointer that already names it', async () => {
    const counter = countCommands(table.client);
    const input = won({ leadId: 'lead_r', dealId: 'r' });

    const created = await recordClose(table.store, input, 3, {
      read: { keys: new Set(['lead_r']), subjects: new Map() },
      pointers: new Map(),
    });
    const writesOfCreate = Object.fromEntries(counter.counts);
    counter.reset();
    const revalued = await recordClose(table.store, won({ leadId: 'lead_r', dealId: 'r', value: 10 }), 4, {
      read: {
        keys: new Set(['lead_r']),
        subjects: new Map(created.close ? [['lead_r', created.close]] : []),
      },
      pointers: new Map([['r', 'lead_r']]),
    });

    expect(created.action).toBe('created');
    expect(writesOfCreate).toEqual({ PutItemCommand: 1, UpdateItemCommand: 1 });
    expect(revalued.action).toBe('updated');
    expect(Object.fromEntries(counter.counts)).toEqual({ PutItemCommand: 1 });
    expect((await table.store.getClose('lead_r'))?.version).toBe(2);
    expect(await table.store.getDealPointers('hubspot', ['r'])).toEqual(new Map([['r', 'lead_r']]));
  });

  it('reads the close again when the one the caller read has moved on', async () => {
    await recordClose(table.store, won({ leadId: 'lead_s', dealId: 's' }), 1);

    // The caller read "not there", but a concurrent webhook recorded it meanwhile.
    const result = await recordClose(table.store, won({ leadId: 'lead_s', dealId: 's', value: 1 }), 2, {
      read: { keys: new Set(['lead_s']), subjects: new Map() },
    });

    expect(result.action).toBe('updated');
    expect((await table.store.getClose('lead_s'))?.version).toBe(2);
  });
});
