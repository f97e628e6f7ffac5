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

describe('normaliseBirthDate day/month rule', () => {
  it("reads Meta's own example input", () => {
    expect(normaliseBirthDate('2/16/1997')).toBe('19970216');
  });

  it('takes a number above 12 as the day, whichever comes first', () => {
    expect(normaliseBirthDate('16/2/1997')).toBe('19970216');
    expect(normaliseBirthDate('2/16/1997', 'DE')).toBe('19970216');
  });

  it.each([
    ['US', '19900304'],
    ['PR', '19900304'],
    ['GB', '19900403'],
    ['DE', '19900403'],
  ])('reads an ambiguous 3/4/1990 in the order of the lead country %s', (country, expected) => {
    expect(normaliseBirthDate('3/4/1990', country)).toBe(expected);
  });

  it('leaves an ambiguous date out when the country is unknown', () => {
    expect(normaliseBirthDate('3/4/1990')).toBeUndefined();
    expect(normaliseBirthDate('3/4/1990', 'Atlantis')).toBeUndefined();
  });

  it.each([['16 Feb 1997'], ['February 16, 1997'], ['16-Feb-1997'], ['1997-feb-16']])(
    'reads the English month name in %j',
    (raw) => {
      expect(normaliseBirthDate(raw)).toBe('19970216');
    },
  );

  it.each([['16/02/97'], ['2/30/1997'], ['Febtember 16, 1997'], ['2100-01-01']])('rejects %j', (raw) => {
    expect(normaliseBirthDate(raw)).toBeUndefined();
  });
});
