import { describe, expect, it } from 'vitest';
import { normaliseBirthDate } from '../../lib/leads/normalise-birth-date';

describe('normaliseBirthDate', () => {
  it.each([
    ['1990-04-23', '19900423'],
    [' 2000-02-29 ', '20000229'],
    ['19900423', '19900423'],
    ['1990-04-23T00:00:00Z', '19900423'],
    ['23/04/1990', '19900423'],
  ])('turns %j into %s', (raw, expected) => {
    expect(normaliseBirthDate(raw)).toBe(expected);
  });

  it.each([['1990-13-01'], ['2023-02-29'], ['1990-04-31'], ['1850-01-01'], ['']])('rejects %j', (raw) => {
    expect(normaliseBirthDate(raw)).toBeUndefined();
  });
});
