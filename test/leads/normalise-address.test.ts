import { describe, expect, it } from 'vitest';
import {
  normaliseCityForMeta,
  normalisePostalCodeForGoogle,
  normalisePostalCodeForMeta,
  normaliseStateForMeta,
  normaliseStreetForGoogle,
} from '../../lib/leads/normalise-address';

describe('normaliseStreetForGoogle', () => {
  it('lowercases and removes symbols', () => {
    expect(normaliseStreetForGoogle(' 1600 Amphitheatre Pkwy., Apt #4 ')).toBe(
      '1600 amphitheatre pkwy apt 4',
    );
  });
});

describe('normaliseCityForMeta', () => {
  it.each([
    ['San Francisco', 'sanfrancisco'],
    ['  New York City ', 'newyorkcity'],
    ['São Paulo', 'sãopaulo'],
    ['Winston-Salem', 'winstonsalem'],
    ["St. John's", 'stjohns'],
    ['München', 'münchen'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseCityForMeta(raw)).toBe(expected);
  });

  it('returns undefined when nothing is left', () => {
    expect(normaliseCityForMeta(' - ')).toBeUndefined();
  });
});

describe('normaliseStateForMeta', () => {
  it.each([
    ['California', undefined, 'ca'],
    ['new york', 'US', 'ny'],
    ['  NEW   YORK ', 'United States', 'ny'],
    ['CA', 'US', 'ca'],
    ['tx', undefined, 'tx'],
    ['District of Columbia', 'US', 'dc'],
    ['Washington, D.C.', 'US', 'dc'],
    ['Puerto Rico', 'PR', 'pr'],
    ['Georgia', 'US', 'ga'],
    ['Ontario', 'CA', 'ontario'],
    ['ON', 'CA', 'on'],
    ['Île-de-France', 'FR', 'îledefrance'],
    ['New South Wales', 'AU', 'newsouthwales'],
    ['Georgia', 'GE', 'georgia'],
    ['São Paulo', 'BR', 'sãopaulo'],
  ])('normalises %j (country %s) to %j', (raw, country, expected) => {
    expect(normaliseStateForMeta(raw, country)).toBe(expected);
  });

  it.each([['Calfornia'], ['ZZ'], ['']])(
    'drops %j for the US: Meta only matches 2-letter codes there',
    (raw) => {
      expect(normaliseStateForMeta(raw, 'US')).toBeUndefined();
    },
  );
});

describe('normalisePostalCodeForMeta', () => {
  it.each([
    ['94105', 'US', '94105'],
    ['94105-1234', 'US', '94105'],
    [' 94105 1234', 'US', '94105'],
    ['941051234', 'US', '94105'],
    ['00907', 'PR', '00907'],
    ['SW1A 1AA', 'GB', 'sw1a1aa'],
    ['ec1a 1bb', 'GB', 'ec1a1bb'],
    ['K1A 0B1', 'CA', 'k1a0b1'],
    ['01310-100', 'BR', '01310100'],
    ['10115', 'DE', '10115'],
    ['94105-1234', undefined, '94105'],
  ])('normalises %j (country %s) to %j', (raw, country, expected) => {
    expect(normalisePostalCodeForMeta(raw, country)).toBe(expected);
  });

  it.each([
    ['9410', 'US'],
    ['ABCDE', 'US'],
    ['1', 'GB'],
    ['', undefined],
  ])('rejects %j (country %s)', (raw, country) => {
    expect(normalisePostalCodeForMeta(raw, country)).toBeUndefined();
  });
});

describe('normalisePostalCodeForGoogle', () => {
  it.each([
    ['94105', 'US', '94105'],
    ['94105-1234', 'US', '94105-1234'],
    ['941051234', 'US', '941051234'],
    ['94105-1234', undefined, '94105-1234'],
    [' sw1a  1aa ', 'GB', 'SW1A 1AA'],
    ['k1a 0b1', 'CA', 'K1A 0B1'],
    ['01310-100', 'BR', '01310-100'],
    ['10115', 'DE', '10115'],
  ])('normalises %j (country %s) to %j', (raw, country, expected) => {
    expect(normalisePostalCodeForGoogle(raw, country)).toBe(expected);
  });

  it.each([
    ['9410', 'US'],
    ['SW1A 1AA', 'US'],
    ['  ', 'GB'],
  ])('rejects %j (country %s)', (raw, country) => {
    expect(normalisePostalCodeForGoogle(raw, country)).toBeUndefined();
  });
});

describe('normalisePostalCodeForMeta for every country', () => {
  it.each([
    ['00-950', 'PL', '00950'],
    ['01310-100', 'BR', '01310100'],
    ['100-0001', 'JP', '1000001'],
  ])('drops the dash of %j (%s) instead of cutting at it', (raw, country, expected) => {
    expect(normalisePostalCodeForMeta(raw, country)).toBe(expected);
  });

  it('keeps the first five digits of a US ZIP+4', () => {
    expect(normalisePostalCodeForMeta('94043-1351', 'US')).toBe('94043');
  });
});

describe('normalisePostalCodeForGoogle ZIP+4', () => {
  it('keeps a US ZIP+4 as given', () => {
    expect(normalisePostalCodeForGoogle('94043-1351', 'US')).toBe('94043-1351');
  });

  it('writes a space-separated ZIP+4 with its dash', () => {
    expect(normalisePostalCodeForGoogle('94043 1351', 'US')).toBe('94043-1351');
  });
});

describe('normaliseStateForMeta abbreviations', () => {
  it.each([
    ['Calif.', 'US', 'ca'],
    ['Mass.', undefined, 'ma'],
    ['Penn.', 'United States', 'pa'],
  ])('reads %j (country %s) as %j', (raw, country, expected) => {
    expect(normaliseStateForMeta(raw, country)).toBe(expected);
  });

  it('does not read a US abbreviation for another country', () => {
    expect(normaliseStateForMeta('Calif.', 'MX')).toBe('calif');
  });
});
