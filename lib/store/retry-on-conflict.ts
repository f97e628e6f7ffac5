import { ConcurrentUpdateError } from '../errors';

/**
 * Optimistic concurrency for read-decide-write steps: on a lost conditional write, read and decide again.
 * Each round at least one writer wins, so n writers racing on one item need up to n rounds; a short random
 * pause between rounds spreads them out so they stop colliding. Only conflicts are retried.
 */
export async function retryOnConflict<T>(
  step: () => Promise<T>,
  options: { maxAttempts?: number; random?: () => number } = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 30;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, random() * Math.min(2 ** attempt, 50)));
    }
  }
}
