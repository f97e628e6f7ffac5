import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError } from '../../lib/errors';
import { retryOnConflict } from '../../lib/store/retry-on-conflict';

describe('retryOnConflict', () => {
  it('repeats the step while it loses conditional writes, then returns its result', async () => {
    let calls = 0;
    const result = await retryOnConflict(
      async () => {
        calls++;
        if (calls < 12) throw new ConcurrentUpdateError('lost');
        return 'written';
      },
      { random: () => 0 },
    );
    expect(result).toBe('written');
    expect(calls).toBe(12);
  });

  it('gives up after maxAttempts conflicts, and never retries another error', async () => {
    let calls = 0;
    const conflict = () =>
      retryOnConflict(
        async () => {
          calls++;
          throw new ConcurrentUpdateError('lost');
        },
        { maxAttempts: 3, random: () => 0 },
      );
    await expect(conflict()).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw new Error('DynamoDB unavailable');
      }),
    ).rejects.toThrow('DynamoDB unavailable');
    expect(calls).toBe(1);
  });
});
