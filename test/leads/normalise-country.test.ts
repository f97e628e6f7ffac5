import { describe, expect, it } from 'vitest';
import { isKnownNonUsCountry, normaliseCountryCode, usesUsZip } from '../../lib/leads/normalise-country';

describe('normaliseCountryCode', () => {
  it.each([
    ['US', 'US'],
    ['us', 'US'],
    [' gb ', 'GB'],
    ['United States', 'US'],
    ['united states of america', 'US'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['UK', 'GB'],
    ['United Kingdom', 'GB'],
    ['England', 'GB'],
    ['Brazil', 'BR'],
    ['Brasil', 'BR'],
    ['Germany', 'DE'],
    ['Deutschland', 'DE'],
    ['España', 'ES'],
    ['Espana', 'ES'],
    ['Spain', 'ES'],
    ['Schweiz', 'CH'],
    ['Suisse', 'CH'],
    ['Nederland', 'NL'],
    ['The Netherlands', 'NL'],
    ["Côte d'Ivoire", 'CI'],
    ['Ivory Coast', 'CI'],
    ['Czech Republic', 'CZ'],
    ['Czechia', 'CZ'],
    ['South Korea', 'KR'],
    ['Bosnia and Herzegovina', 'BA'],
    ['Bosnia & Herzegovina', 'BA'],
    ['日本', 'JP'],
    ['México', 'MX'],
    ['Österreich', 'AT'],
  ])('maps %j to %s', (raw, expected) => {
    expect(normaliseCountryCode(raw)).toBe(expected);
  });

  it.each([
    ['DEU', 'DE'],
    ['fra', 'FR'],
    ['GBR', 'GB'],
    ['U.S.', 'US'],
    ['XKX', 'XK'],
  ])('maps the code %j to %s', (raw, expected) => {
    expect(normaliseCountryCode(raw)).toBe(expected);
  });

  it.each([['ATA'], ['XXX']])('returns undefined for an alpha-3 code we do not accept: %j', (raw) => {
    expect(normaliseCountryCode(raw)).toBeUndefined();
  });

  it.each([['Atlantis'], ['XX'], ['ZZ'], [''], ['AC'], [undefined]])('returns undefined for %j', (raw) => {
    expect(normaliseCountryCode(raw)).toBeUndefined();
  });
});

describe('usesUsZip', () => {
  it.each([
    ['US', true],
    ['United States', true],
    ['PR', true],
    ['GB', false],
    [undefined, false],
  ])('is %s for %j', (country, expected) => {
    expect(usesUsZip(country)).toBe(expected);
  });
});

describe('isKnownNonUsCountry', () => {
  it.each([
    ['GE', true],
    ['Canada', true],
    ['US', false],
    ['GU', false],
    ['Atlantis', false],
    [undefined, false],
  ])('is %s for %j', (country, expected) => {
    expect(isKnownNonUsCountry(country)).toBe(expected);
  });
});
