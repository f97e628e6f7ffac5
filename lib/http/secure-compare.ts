import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality for secrets of any length: both sides are hashed first, so neither the
 * content nor the length of the expected value leaks through timing.
 */
export function secureEquals(received: string, expected: string): boolean {
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** True when `received` equals any of `accepted`; every candidate is compared, matched or not. */
export function secureEqualsAny(received: string, accepted: readonly string[]): boolean {
  let matched = false;
  for (const candidate of accepted) matched = secureEquals(received, candidate) || matched;
  return matched;
}
