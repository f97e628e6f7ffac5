import { describe, expect, it } from 'vitest';
import { DUE_INDEX, describeTable } from '../../lib/store/table';

describe('describeTable', () => {
  it('declares the due index as sparse over dueShard/dueAt', () => {
    const table = describeTable('t');
    expect(table.GlobalSecondaryIndexes?.[0]?.IndexName).toBe(DUE_INDEX.name);
  });
});
