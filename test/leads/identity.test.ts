import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HashedIdentity } from '../../lib/domain';
import { sha256Hex } from '../../lib/leads/hash';
import {
  hasAnyIdentifier,
  hasGoogleIdentifier,
  hashIdentity,
  hasMetaIdentifier,
  mergeHashedIdentity,
} from '../../lib/leads/identity';
import { normaliseEmail, normaliseEmailForGoogle } from '../../lib/leads/normalise-email';
import { normaliseNameForGoogle, normaliseNameForMeta } from '../../lib/leads/normalise-person';
import { normalisePhone, phoneDigitsForMeta } from '../../lib/leads/normalise-phone';

// Expected hashes computed independently with `printf '%s' <value> | sha256sum`.
const SHA = {
  'janedoe@gmail.com': 'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69',
  'jane.doe@gmail.com': '831f6494ad6be4fcb3a724c3d5fef22d3ceffa3c62ef3a7984e45a0ea177f982',
  '+442079460958': 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d',
  '442079460958': '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823',
  josé: 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866',
  garcía: 'ad321a21e537233f2cf61e749c48dba9461f84dec289e418ab8f9d73d6c83125',
  gb: '0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677',
  london: '6089854c94ca5454b76be6752c562901a985f64c9a946f62976aeab593b83161',
  sw1a1aa: '830e1d4b9838bab1f5c2acdb23e0b502ff13a9832c4632e8d67a1d43d3b7f614',
  f: '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111',
  '19900423': '325f07f80f1aabd207da43c6b7ea94c5c466a89d9cf634118b196ca1a9f09de1',
  '+4930901820': '4db5829924ee5c466cbd9ac69b2a6af527f758614fa3b3aec8c89b16a709a678',
  '4930901820': 'c03f76216358b07b09a300613908002987efc1ae9a2ef2a85d57d5a971bf821a',
  '00950': '157c5bb53cacd69115a429c3a9257890995f3410caf57a12e1959f70c7b3fbec',
  '94043': '1b10e5e0b47cefad5c4f6c1d10b8b6fbbd5af9756eb01ed5c8ee1f588b65947b',
  '19970216': '01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c',
  pl: '3485639faf1591f3c16f295198e9389db5b33c949587ec48663597d4e00299d5',
} as const;

describe('hashIdentity', () => {
  it('hashes each identifier with the platform-normalised value', () => {
    const identity = hashIdentity({
      emails: ['  Jane.Doe+news@GMAIL.com '],
      phones: ['020 7946 0958'],
      firstName: 'Mrs. José',
      lastName: 'García',
      city: 'London',
      region: 'Greater London',
      postalCode: 'sw1a 1aa',
      country: 'United Kingdom',
      gender: 'Female',
      birthDate: '1990-04-23',
    });

    expect(identity.google).toEqual({
      emails: [SHA['janedoe@gmail.com']],
      phones: [SHA['+442079460958']],
      givenName: SHA.josé,
      familyName: SHA.garcía,
      regionCode: 'GB',
      postalCode: 'SW1A 1AA',
    });
    expect(identity.meta).toEqual({
      em: [sha256Hex('jane.doe+news@gmail.com')],
      ph: [SHA['442079460958']],
      fn: SHA.josé,
      ln: SHA.garcía,
      ct: SHA.london,
      st: sha256Hex('greaterlondon'),
      zp: SHA.sw1a1aa,
      country: SHA.gb,
      ge: SHA.f,
      db: SHA['19900423'],
    });
  });

  it('hashes a German national number once with its country code', () => {
    const identity = hashIdentity({ phones: ['(030) 901820'], country: 'DE' });

    expect(identity.google.phones).toEqual([SHA['+4930901820']]);
    expect(identity.meta.ph).toEqual([SHA['4930901820']]);
  });

  it('keeps a Polish postcode whole: clear for Google, without its dash for Meta', () => {
    const identity = hashIdentity({
      firstName: 'Anna',
      lastName: 'Nowak',
      postalCode: '00-950',
      country: 'PL',
    });

    expect(identity.google.postalCode).toBe('00-950');
    expect(identity.meta.zp).toBe(SHA['00950']);
    expect(identity.meta.country).toBe(SHA.pl);
  });

  it('sends a US ZIP+4 to Google as given and its first five digits to Meta', () => {
    const identity = hashIdentity({ postalCode: '94043-1351', country: 'US' });

    expect(identity.google.postalCode).toBe('94043-1351');
    expect(identity.meta.zp).toBe(SHA['94043']);
  });

  it('reads a national number in the default phone country when the lead has none', () => {
    const identity = hashIdentity({ phones: ['030 901820'] }, { defaultPhoneCountry: 'DE' });

    expect(identity.google.phones).toEqual([SHA['+4930901820']]);
    expect(identity.google.regionCode).toBeUndefined();
  });

  it('reads the birth date in the order of the lead country', () => {
    expect(hashIdentity({ birthDate: '2/16/1997' }).meta.db).toBe(SHA['19970216']);
    expect(hashIdentity({ birthDate: '16.02.1997', country: 'DE' }).meta.db).toBe(SHA['19970216']);
    expect(hashIdentity({ birthDate: '3/4/1990' }).meta.db).toBeUndefined();
  });

  it('keeps dots for Meta but not for Google on a gmail address', () => {
    const identity = hashIdentity({ emails: ['jane.doe@gmail.com'] });

    expect(identity.google.emails).toEqual([SHA['janedoe@gmail.com']]);
    expect(identity.meta.em).toEqual([SHA['jane.doe@gmail.com']]);
  });

  it('reads national phone numbers in the lead country', () => {
    const identity = hashIdentity({ phones: ['(415) 555-0100'], country: 'usa' });

    expect(identity.google.phones).toEqual([sha256Hex('+14155550100')]);
    expect(identity.meta.ph).toEqual([sha256Hex('14155550100')]);
    expect(identity.google.regionCode).toBe('US');
  });

  it('de-duplicates after normalising, keeps order and caps at 5', () => {
    const identity = hashIdentity({
      emails: [
        'a@x.com',
        'A@X.com ',
        undefined,
        'not-an-email',
        'b@x.com',
        'c@x.com',
        'd@x.com',
        'e@x.com',
        'f@x.com',
      ],
      phones: ['+1 415 555 0100', 'tel:+14155550100', '+44 20 7946 0958'],
    });

    expect(identity.meta.em).toEqual(['a', 'b', 'c', 'd', 'e'].map((local) => sha256Hex(`${local}@x.com`)));
    expect(identity.google.phones).toEqual([sha256Hex('+14155550100'), SHA['+442079460958']]);
  });

  it('counts gmail spellings Google treats as one address once for Google only', () => {
    const identity = hashIdentity({ emails: ['jane.doe@gmail.com', 'janedoe+x@gmail.com'] });

    expect(identity.google.emails).toHaveLength(1);
    expect(identity.meta.em).toHaveLength(2);
  });

  it('leaves unusable fields out instead of setting them to undefined', () => {
    const identity = hashIdentity({
      emails: ['nope'],
      phones: ['12'],
      firstName: ' ',
      country: 'Atlantis',
      gender: 'x',
      birthDate: 'soon',
    });

    expect(identity).toEqual({ google: { emails: [], phones: [] }, meta: { em: [], ph: [] } });
    expect(Object.keys(identity.meta)).toEqual(['em', 'ph']);
  });

  it('never puts plaintext email, phone, names, street or city in its output', () => {
    const name = fc.stringMatching(/^[g-zà-öø-ÿ][a-zà-öø-ÿ]{2,11}$/);
    const phone = fc.oneof(
      fc.integer({ min: 0, max: 9999 }).map((n) => `+1 415 555 ${String(n).padStart(4, '0')}`),
      fc.integer({ min: 0, max: 9999 }).map((n) => `+44 20 7946 ${String(n).padStart(4, '0')}`),
      fc.integer({ min: 100000, max: 999999 }).map((n) => `+49 30 ${n}`),
    );
    fc.assert(
      fc.property(
        fc.emailAddress(),
        phone,
        name,
        name,
        name,
        name,
        (email, rawPhone, first, last, street, city) => {
          const identity = hashIdentity({
            emails: [email],
            phones: [rawPhone],
            firstName: first,
            lastName: last,
            street: `${street} street`,
            city,
            country: 'US',
          });

          // Values only: a name may legitimately equal a key such as "meta".
          const values = JSON.stringify(
            [identity.google, identity.meta].flatMap((block) => Object.values(block)),
          );
          const e164 = normalisePhone(rawPhone) ?? '';
          const plaintexts = [
            email,
            normaliseEmail(email),
            normaliseEmailForGoogle(email),
            rawPhone,
            e164,
            phoneDigitsForMeta(e164),
            normaliseNameForGoogle(first),
            normaliseNameForMeta(last),
            street,
            city,
          ];
          for (const plaintext of plaintexts) {
            if (plaintext !== undefined) expect(values).not.toContain(plaintext);
          }
          // Not vacuous: the identifiers were usable and did get hashed.
          expect(identity.google.phones).toHaveLength(1);
          expect(identity.meta.fn).toMatch(/^[0-9a-f]{64}$/);
          if (normaliseEmail(email) !== undefined) expect(identity.meta.em).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('mergeHashedIdentity', () => {
  const older: HashedIdentity = {
    google: { emails: ['g-old-1', 'g-shared'], phones: ['gp-old'], givenName: 'gn-old', postalCode: '94105' },
    meta: { em: ['m-old-1', 'm-shared'], ph: [], fn: 'fn-old', ct: 'ct-old' },
  };
  const newer: HashedIdentity = {
    google: { emails: ['g-new', 'g-shared'], phones: [], givenName: 'gn-new', regionCode: 'US' },
    meta: { em: ['m-new'], ph: ['mp-new'], fn: 'fn-new', ln: 'ln-new' },
  };

  it('lets the newer non-empty value win per field and keeps older ones the newer lacks', () => {
    const merged = mergeHashedIdentity(older, newer);

    expect(merged).toEqual({
      google: {
        emails: ['g-new', 'g-shared', 'g-old-1'],
        phones: ['gp-old'],
        givenName: 'gn-new',
        regionCode: 'US',
        postalCode: '94105',
      },
      meta: {
        em: ['m-new', 'm-old-1', 'm-shared'],
        ph: ['mp-new'],
        fn: 'fn-new',
        ln: 'ln-new',
        ct: 'ct-old',
      },
    });
  });

  it('does not let an empty string erase a value', () => {
    const merged = mergeHashedIdentity(older, { ...newer, google: { ...newer.google, givenName: '' } });

    expect(merged.google.givenName).toBe('gn-old');
  });

  it('caps unions at 5, newest first', () => {
    const merged = mergeHashedIdentity(
      { google: { emails: ['o1', 'o2', 'o3', 'o4'], phones: [] }, meta: { em: [], ph: [] } },
      { google: { emails: ['n1', 'n2', 'o1'], phones: [] }, meta: { em: [], ph: [] } },
    );

    expect(merged.google.emails).toEqual(['n1', 'n2', 'o1', 'o2', 'o3']);
  });

  it('returns the newer identity when there is no previous one', () => {
    expect(mergeHashedIdentity(undefined, newer)).toEqual(newer);
  });

  it('tolerates a stored identity that lacks a platform block', () => {
    const stored = { google: { emails: ['g-old'], phones: [] } } as unknown as HashedIdentity;

    expect(mergeHashedIdentity(stored, newer).meta).toEqual(newer.meta);
  });

  it('merges real hashes without duplicates', () => {
    const first = hashIdentity({ emails: ['jane@example.com'], firstName: 'Jane' });
    const second = hashIdentity({ emails: ['JANE@example.com', 'jd@work.example'], lastName: 'Doe' });

    const merged = mergeHashedIdentity(first, second);

    expect(merged.meta.em).toEqual([sha256Hex('jane@example.com'), sha256Hex('jd@work.example')]);
    expect(merged.meta.fn).toBe(sha256Hex('jane'));
    expect(merged.meta.ln).toBe(sha256Hex('doe'));
  });
});

describe('hasAnyIdentifier', () => {
  it.each([
    ['an email', { emails: ['jane@example.com'] }, true, true],
    ['a phone', { phones: ['+14155550100'] }, true, true],
    [
      'a full Google address',
      { firstName: 'Jane', lastName: 'Doe', postalCode: '94105', country: 'US' },
      true,
      true,
    ],
    ['a name and city (Meta only)', { firstName: 'Jane', lastName: 'Doe', city: 'Boston' }, false, true],
    ['a name only', { firstName: 'Jane', lastName: 'Doe' }, false, false],
    ['a country only', { country: 'US' }, false, false],
    ['nothing usable', { emails: ['nope'], phones: ['123'] }, false, false],
  ])('judges %s', (_label, input, google, meta) => {
    const identity = hashIdentity(input);

    expect(hasGoogleIdentifier(identity)).toBe(google);
    expect(hasMetaIdentifier(identity)).toBe(meta);
    expect(hasAnyIdentifier(identity)).toBe(google || meta);
  });

  it('is false for a missing identity', () => {
    expect(hasAnyIdentifier(undefined)).toBe(false);
  });
});
