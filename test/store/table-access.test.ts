import { describe, expect, it } from 'vitest';
import { toRecord, withType } from '../../lib/store/table-access';

describe('item codec', () => {
  it("stores a subject's key and version under the first version's attribute names", () => {
    const item = withType('delivery', 'DELIVERY#lead_1#meta', {
      subjectKey: 'lead_1',
      subjectVersion: 2,
      destination: 'meta',
    });

    expect(item).toEqual({
      pk: 'DELIVERY#lead_1#meta',
      type: 'delivery',
      closeKey: 'lead_1',
      closeVersion: 2,
      destination: 'meta',
    });
  });

  it("reads an item back as its record, without the table's own attributes", () => {
    const record = toRecord({
      pk: 'DELIVERY#lead_1#meta',
      type: 'delivery',
      dueShard: 'DUE',
      dueAt: 5000,
      expiresAt: 99,
      closeKey: 'lead_1',
      closeVersion: 2,
      destination: 'meta',
    });

    expect(record).toEqual({ subjectKey: 'lead_1', subjectVersion: 2, destination: 'meta' });
  });
});
