import { describe, expect, it } from 'vitest';
import { alpha3Codes } from '../../lib/leads/country-alpha3';
import { countryCodes } from '../../lib/leads/country-names';

describe('alpha3Codes', () => {
  it('holds the 249 ISO 3166-1 codes and Kosovo, each alpha-2 once', () => {
    const codes = alpha3Codes();

    expect(codes.size).toBe(250);
    expect(new Set(codes.values()).size).toBe(250);
    expect([...codes.keys()].every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
  });

  it('has an alpha-3 for every country we accept', () => {
    const mapped = new Set(alpha3Codes().values());

    expect([...countryCodes()].filter((code) => !mapped.has(code))).toEqual([]);
  });

  it.each([
    ['DEU', 'DE'],
    ['FRA', 'FR'],
    ['GBR', 'GB'],
    ['USA', 'US'],
    ['CHE', 'CH'],
    ['KOR', 'KR'],
    ['PRK', 'KP'],
    ['COM', 'KM'],
    ['SGS', 'GS'],
  ])('maps %s to %s', (alpha3, alpha2) => {
    expect(alpha3Codes().get(alpha3)).toBe(alpha2);
  });
});
