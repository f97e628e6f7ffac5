import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../lib/domain';
import { trimToFullBatches } from '../../lib/pipeline/process-due';

const delivery = (index: number, destination: string): DeliveryRecord => ({
  subjectKey: `lead_${index}`,
  destination,
  status: 'retry',
  subjectVersion: 1,
  attempts: 1,
  createdAt: 0,
  updatedAt: 0,
});

const destinations = [
  { name: 'google-ads', maxBatchSize: () => 4 },
  { name: 'meta', maxBatchSize: () => 2 },
];

describe('trimToFullBatches', () => {
  it('keeps whole requests per destination and carries the rest, the last ones read', () => {
    const due = [
      ...Array.from({ length: 6 }, (_, index) => delivery(index, 'google-ads')),
      ...Array.from({ length: 5 }, (_, index) => delivery(index, 'meta')),
    ];

    const { kept, carried } = trimToFullBatches({ destinations: destinations as never }, 0, due);

    expect(kept.filter((item) => item.destination === 'google-ads')).toHaveLength(4);
    expect(kept.filter((item) => item.destination === 'meta')).toHaveLength(4);
    expect(carried.map((item) => `${item.destination}:${item.subjectKey}`)).toEqual([
      'google-ads:lead_4',
      'google-ads:lead_5',
      'meta:lead_4',
    ]);
  });

  it('counts the round’s planned subjects, which add a row to every destination', () => {
    const due = [delivery(0, 'google-ads'), delivery(1, 'google-ads'), delivery(2, 'google-ads')];

    // 1 subject + 3 due = 4 rows: one full Google request, nothing to carry.
    expect(trimToFullBatches({ destinations: destinations as never }, 1, due).carried).toEqual([]);
    // 3 subjects + 3 due = 6 rows: the 2 over a full request wait.
    expect(trimToFullBatches({ destinations: destinations as never }, 3, due).carried).toHaveLength(2);
  });

  it('carries nothing when the remainder is the subjects’ own rows', () => {
    const due = [delivery(0, 'google-ads')];

    expect(trimToFullBatches({ destinations: destinations as never }, 6, due).carried).toEqual([]);
  });
});
