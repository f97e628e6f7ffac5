import { describe, expect, it } from 'vitest';
import { createRequestSpacer } from '../../lib/backfill/request-spacing';
import { createClock } from '../support/clock';

describe('createRequestSpacer', () => {
  it('keeps requests the interval apart, waiting only as long as needed', async () => {
    const clock = createClock(0);
    const waits: number[] = [];
    const spacer = createRequestSpacer({
      intervalMs: 250,
      now: clock.now,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    });

    await spacer.wait();
    await spacer.wait();
    clock.advance(100);
    await spacer.wait();
    clock.advance(1000);
    await spacer.wait();

    expect(waits).toEqual([250, 150]);
  });
});
