import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../lib/http/retry-after';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds and an HTTP date, and nothing when absent', () => {
    expect(parseRetryAfter('30', T0)).toBe(30_000);
    expect(parseRetryAfter(new Date(T0 + 90_000).toUTCString(), T0)).toBe(90_000);
    expect(parseRetryAfter(null, T0)).toBeUndefined();
  });

  it('reads whole seconds with surrounding whitespace and leading zeros', () => {
    expect(parseRetryAfter(' 120 ', T0)).toBe(120_000);
    expect(parseRetryAfter('007', T0)).toBe(7_000);
    expect(parseRetryAfter('0', T0)).toBe(0);
    expect(parseRetryAfter('', T0)).toBeUndefined();
    expect(parseRetryAfter(undefined, T0)).toBeUndefined();
  });

  it('reads the obsolete RFC 850 and asctime dates as GMT', () => {
    expect(parseRetryAfter('Monday, 23-Nov-26 12:01:00 GMT', T0)).toBe(60_000);
    expect(parseRetryAfter('Mon Nov 23 12:02:00 2026', T0)).toBe(120_000);
    expect(parseRetryAfter('Mon Nov  2 12:00:00 2026', Date.parse('2026-11-02T11:59:00.000Z'))).toBe(60_000);
  });

  it('waits not at all for a date already past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', T0)).toBe(0);
  });

  // Where the two copies disagreed: the CRM one took fractions (1.5 → 1500 ms); the destinations' one
  // handed "1.5", "-5" or "2026-01-01" to Date.parse, which reads them as dates in the past (→ 0 ms, retry
  // at once). Neither is a Retry-After value (RFC 9110 §10.2.3): the caller's own back-off applies.
  it.each([
    ['a fraction of a second', '1.5'],
    ['a negative delay', '-5'],
    ['an exponent', '1e3'],
    ['an ISO 8601 date', '2026-11-23T12:05:00Z'],
    ['a date without its weekday', '23 Nov 2026 12:05:00 GMT'],
    ['a date in another zone', 'Mon, 23 Nov 2026 12:05:00 +0100'],
    ['words', 'soon'],
  ])('reads %s (%j) as absent', (_case, value) => {
    expect(parseRetryAfter(value, T0)).toBeUndefined();
  });
});
