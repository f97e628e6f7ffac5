import { describe, expect, it } from 'vitest';
import {
  normaliseBirthDate,
  normaliseCityForMeta,
  normaliseCountryCode,
  normaliseEmail,
  normaliseEmailForGoogle,
  normaliseGender,
  normaliseNameForGoogle,
  normaliseNameForMeta,
  normalisePhone,
  normalisePostalCodeForGoogle,
  normalisePostalCodeForMeta,
  normaliseStateForMeta,
  normaliseStreetForGoogle,
  phoneDigitsForMeta,
} from '../../lib/leads/normalise';

describe('normaliseEmail', () => {
  it.each([
    ['  Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['jane.doe+news@example.com', 'jane.doe+news@example.com'],
    ['John.Smith@GMAIL.com', 'john.smith@gmail.com'],
    ['jane doe@example.com', 'janedoe@example.com'],
    ['mailto:Jane@Example.com', 'jane@example.com'],
    ['ünïcode@exämple.de', 'ünïcode@exämple.de'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['jane'],
    ['@example.com'],
    ['jane@'],
    ['jane@localhost'],
    ['jane@@example.com'],
    ['jane@example..com'],
    ['jane@example.com.'],
    ['a@b.com, c@d.com'],
    ['a@b.com;c@d.com'],
    ['<jane@example.com>'],
  ])('rejects %j', (raw) => {
    expect(normaliseEmail(raw)).toBeUndefined();
  });

  it('returns undefined for a missing value', () => {
    expect(normaliseEmail(undefined)).toBeUndefined();
  });
});

describe('normaliseEmailForGoogle', () => {
  it('drops dots and +tag for gmail.com', () => {
    expect(normaliseEmailForGoogle('Cloudy.SanFrancisco+shopping@gmail.com')).toBe(
      'cloudysanfrancisco@gmail.com',
    );
  });

  it('drops dots and +tag for googlemail.com', () => {
    expect(normaliseEmailForGoogle('j.o.h.n+promo+x@GoogleMail.com')).toBe('john@googlemail.com');
  });

  it.each([
    ['user.name+NYC@Example.com', 'user.name+nyc@example.com'],
    ['first.last@outlook.com', 'first.last@outlook.com'],
    ['first.last+tag@gmail.co.uk', 'first.last+tag@gmail.co.uk'],
    ['first.last@mail.gmail.com', 'first.last@mail.gmail.com'],
  ])('keeps dots and plus signs on other domains: %j', (raw, expected) => {
    expect(normaliseEmailForGoogle(raw)).toBe(expected);
  });

  it('trims and lowercases like normaliseEmail', () => {
    expect(normaliseEmailForGoogle('  Jane.Doe@GMAIL.COM  ')).toBe('janedoe@gmail.com');
  });

  it('rejects a gmail address whose local part is only a tag', () => {
    expect(normaliseEmailForGoogle('+promo@gmail.com')).toBeUndefined();
  });

  it('rejects what is not an email', () => {
    expect(normaliseEmailForGoogle('not-an-email')).toBeUndefined();
  });
});

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

describe('normaliseNameForGoogle', () => {
  it.each([
    ['  Jane ', 'jane'],
    ['Mrs. Jane', 'jane'],
    ['Dr Jane', 'jane'],
    ['Prof. Dr. Hans', 'hans'],
    ['Mr. John Paul', 'john paul'],
    ['Smith Jr.', 'smith'],
    ['Smith, Jr.', 'smith'],
    ['Doe III', 'doe'],
    ['Doe, Ph.D.', 'doe'],
    ['Doe MD', 'doe'],
    ['Gonzalez Esq.', 'gonzalez'],
    ['José', 'josé'],
    ['JOSÉ', 'josé'],
    ['Jose\u0301', 'josé'],
    ['Zoë', 'zoë'],
    ['Ñúñez', 'ñúñez'],
    ['Müller-Lüdenscheidt', 'müllerlüdenscheidt'],
    ["O'Brien", 'obrien'],
    ['Mary  Ann', 'mary ann'],
    ['Miss', 'miss'],
    ['Md', 'md'],
    ['Łukasz', 'łukasz'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseNameForGoogle(raw)).toBe(expected);
  });

  it.each([[''], ['  '], ['.'], [undefined]])('returns undefined for %j', (raw) => {
    expect(normaliseNameForGoogle(raw)).toBeUndefined();
  });
});

describe('normaliseNameForMeta', () => {
  it.each([
    ['  Mary ', 'mary'],
    ['JOSÉ', 'josé'],
    ['Jose\u0301', 'josé'],
    ["O'Brien", 'obrien'],
    ['Jean-Luc', 'jeanluc'],
    ['St. John', 'st john'],
    ['Zoë!', 'zoë'],
    ['Smith Jr.', 'smith'],
    ['Mrs. Mary', 'mary'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseNameForMeta(raw)).toBe(expected);
  });

  it('returns undefined for punctuation only', () => {
    expect(normaliseNameForMeta("-'.")).toBeUndefined();
  });
});

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
    ['01310-100', 'BR', '01310'],
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
    ['94105-1234', 'US', '94105'],
    ['941051234', 'US', '94105'],
    ['94105-1234', undefined, '94105'],
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

  it.each([['Atlantis'], ['XX'], ['ZZ'], [''], ['AC'], [undefined]])('returns undefined for %j', (raw) => {
    expect(normaliseCountryCode(raw)).toBeUndefined();
  });
});

describe('normaliseGender', () => {
  it.each([
    ['F', 'f'],
    ['female', 'f'],
    [' Woman ', 'f'],
    ['m', 'm'],
    ['MALE', 'm'],
    ['man', 'm'],
  ])('maps %j to %s', (raw, expected) => {
    expect(normaliseGender(raw)).toBe(expected);
  });

  it.each([['x'], ['non-binary'], ['unknown'], ['']])('leaves %j out', (raw) => {
    expect(normaliseGender(raw)).toBeUndefined();
  });
});

describe('normaliseBirthDate', () => {
  it.each([
    ['1990-04-23', '19900423'],
    [' 2000-02-29 ', '20000229'],
    ['19900423', '19900423'],
    ['1990-04-23T00:00:00Z', '19900423'],
  ])('turns %j into %s', (raw, expected) => {
    expect(normaliseBirthDate(raw)).toBe(expected);
  });

  it.each([['1990-13-01'], ['2023-02-29'], ['1990-04-31'], ['23/04/1990'], ['1850-01-01'], ['']])(
    'rejects %j',
    (raw) => {
      expect(normaliseBirthDate(raw)).toBeUndefined();
    },
  );
});
