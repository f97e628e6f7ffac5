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
