import { describe, expect, it } from 'vitest';
import type { DeliveredState } from '../../lib/destinations/types';
import { deliveredForReplay } from '../../lib/pipeline/conversion';
import { T0 } from '../support/clock';
import { closeRecord } from '../support/conversion-inputs';

const held = (overrides: Partial<DeliveredState> = {}): DeliveredState => ({
  version: 1,
  outcome: 'won',
  value: 4500,
  currency: 'USD',
  at: T0,
  ...overrides,
});

describe('deliveredForReplay', () => {
  const close = closeRecord('lead-r1');

  it('re-sends what the platform holds as first built: no past to adjust from', () => {
    expect(deliveredForReplay(close, held())).toBeUndefined();
    expect(deliveredForReplay(close, undefined)).toBeUndefined();
  });

  it('keeps the past when the close changed since, or was retracted: the mapping decides', () => {
    expect(deliveredForReplay(close, held({ value: 3000 }))).toEqual(held({ value: 3000 }));
    expect(deliveredForReplay(close, held({ outcome: 'lost' }))).toEqual(held({ outcome: 'lost' }));
    expect(deliveredForReplay(close, held({ currency: 'EUR' }))).toEqual(held({ currency: 'EUR' }));
    expect(deliveredForReplay(close, held({ retracted: true }))).toEqual(held({ retracted: true }));
  });
});
