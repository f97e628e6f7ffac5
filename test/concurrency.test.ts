import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../lib/concurrency';

describe('mapWithConcurrency', () => {
  it('runs at most `limit` tasks at once and keeps the order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (value) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
