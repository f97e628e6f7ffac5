import { describe, expect, it } from 'vitest';
import { normalisePhone, phoneDigitsForMeta } from '../../lib/leads/normalise-phone';

describe('normalisePhone', () => {
  it.each([
    ['(415) 555-0100', 'US', '+14155550100'],
    ['415.555.0100', 'US', '+14155550100'],
    ['+1 (800) 555-0100', undefined, '+18005550100'],
    ['tel:+1-415-555-0100', undefined, '+14155550100'],
    ['415-555-0100 ext. 12', 'US', '+14155550100'],
    ['+44 20 7946 0958', undefined, '+442079460958'],
    ['0044 20 7946 0958', 'GB', '+442079460958'],
    ['0044 20 7946 0958', undefined, '+442079460958'],
    ['0044 20 7946 0958', 'US', '+442079460958'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    ['+49 30 901820', undefined, '+4930901820'],
    ['030 901820', 'DE', '+4930901820'],
    ['+55 11 91234-5678', undefined, '+5511912345678'],
    ['(11) 91234-5678', 'BR', '+5511912345678'],
    ['+91 98765 43210', undefined, '+919876543210'],
    ['+33 1 23 45 67 89', undefined, '+33123456789'],
    ['01 23 45 67 89', 'FR', '+33123456789'],
    ['+81 3-1234-5678', undefined, '+81312345678'],
    ['+61 2 9876 5432', undefined, '+61298765432'],
    ['+52 55 1234 5678', undefined, '+525512345678'],
  ])('normalises %j (default %s) to %s', (raw, country, expected) => {
    expect(normalisePhone(raw, country)).toBe(expected);
  });

  it('accepts a country name as the default country', () => {
    expect(normalisePhone('020 7946 0958', 'United Kingdom')).toBe('+442079460958');
  });

  it.each([
    ['12345', 'US'],
    ['999', 'US'],
    ['+1 555 555 0100', undefined],
    ['not a phone', 'US'],
    ['', 'US'],
    ['(415) 555-0100', undefined],
    ['(415) 555-0100', 'XX'],
  ])('rejects %j (default %s)', (raw, country) => {
    expect(normalisePhone(raw, country)).toBeUndefined();
  });
});

describe('phoneDigitsForMeta', () => {
  it.each([
    ['+14155550100', '14155550100'],
    ['+442079460958', '442079460958'],
    ['+5511912345678', '5511912345678'],
    ['004930901820', '4930901820'],
  ])('turns %s into %s', (e164, expected) => {
    expect(phoneDigitsForMeta(e164)).toBe(expected);
  });

  it('returns undefined when there are no digits', () => {
    expect(phoneDigitsForMeta('+')).toBeUndefined();
  });
});

describe('normalisePhone with bare digits', () => {
  it('keeps the country code once when the digits already start with the lead country code', () => {
    expect(normalisePhone('4915123456789', 'DE')).toBe('+4915123456789');
  });

  it('keeps digits that are a valid number with a leading "+" when the lead has no country', () => {
    expect(normalisePhone('447400123456')).toBe('+447400123456');
  });

  it('prefers a valid national number over a "+" reading in another country', () => {
    expect(normalisePhone('15123456789', 'DE')).toBe('+4915123456789');
  });

  it('falls back to the "+" reading when the national one is no number', () => {
    expect(normalisePhone('447400123456', 'US')).toBe('+447400123456');
  });
});

describe('normalisePhone with a default phone country', () => {
  it('reads a national number in the default country when the lead has none', () => {
    expect(normalisePhone('(030) 901820', undefined, 'DE')).toBe('+4930901820');
  });

  it('lets the lead country win over the default', () => {
    expect(normalisePhone('020 7946 0958', 'GB', 'US')).toBe('+442079460958');
  });

  it('uses the default when the lead country is unknown', () => {
    expect(normalisePhone('(415) 555-0100', 'Atlantis', 'US')).toBe('+14155550100');
  });

  it('ignores a default that is no country', () => {
    expect(normalisePhone('(415) 555-0100', undefined, 'XX')).toBeUndefined();
  });
});
