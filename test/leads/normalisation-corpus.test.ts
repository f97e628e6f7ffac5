import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  normaliseCityForMeta,
  normalisePostalCodeForGoogle,
  normalisePostalCodeForMeta,
  normaliseStateForMeta,
  normaliseStreetForGoogle,
} from '../../lib/leads/normalise-address';
import { normaliseBirthDate } from '../../lib/leads/normalise-birth-date';
import { normaliseCountryCode } from '../../lib/leads/normalise-country';
import { normaliseEmail, normaliseEmailForGoogle } from '../../lib/leads/normalise-email';
import { normaliseExternalId } from '../../lib/leads/normalise-external-id';
import {
  normaliseGender,
  normaliseNameForGoogle,
  normaliseNameForMeta,
} from '../../lib/leads/normalise-person';
import { normalisePhone, phoneDigitsForMeta } from '../../lib/leads/normalise-phone';

type CorpusCase = {
  field: string;
  input: string;
  country?: string;
  defaultPhoneCountry?: string;
  expected: string | null;
  rule: string;
};

type Normaliser = (row: CorpusCase) => string | undefined;

// One normaliser per field of the corpus, called exactly as `hashIdentity` calls it.
const NORMALISERS: Readonly<Record<string, Normaliser>> = {
  email: (row) => normaliseEmail(row.input),
  emailForGoogle: (row) => normaliseEmailForGoogle(row.input),
  phone: (row) => normalisePhone(row.input, normaliseCountryCode(row.country), row.defaultPhoneCountry),
  phoneForMeta: (row) => {
    const e164 = normalisePhone(row.input, normaliseCountryCode(row.country), row.defaultPhoneCountry);
    return e164 === undefined ? undefined : phoneDigitsForMeta(e164);
  },
  nameForGoogle: (row) => normaliseNameForGoogle(row.input),
  nameForMeta: (row) => normaliseNameForMeta(row.input),
  streetForGoogle: (row) => normaliseStreetForGoogle(row.input),
  cityForMeta: (row) => normaliseCityForMeta(row.input),
  stateForMeta: (row) => normaliseStateForMeta(row.input, normaliseCountryCode(row.country)),
  postalCodeForMeta: (row) => normalisePostalCodeForMeta(row.input, normaliseCountryCode(row.country)),
  postalCodeForGoogle: (row) => normalisePostalCodeForGoogle(row.input, normaliseCountryCode(row.country)),
  country: (row) => normaliseCountryCode(row.input),
  gender: (row) => normaliseGender(row.input),
  birthDate: (row) => normaliseBirthDate(row.input, normaliseCountryCode(row.country)),
  externalId: (row) => normaliseExternalId(row.input),
};

// Where each rule comes from: a platform's own page, ISO 3166-1, or a connector rule stated in lib/leads.
const RULE_SOURCES = /^(Meta|Google|TikTok|connector)\b/;

const corpus: { cases: CorpusCase[] } = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/normalisation-corpus.json'), 'utf8'),
);

function context(row: CorpusCase): string {
  const parts = [
    row.country && `country ${row.country}`,
    row.defaultPhoneCountry && `default ${row.defaultPhoneCountry}`,
  ];
  return parts.filter(Boolean).join(', ') || 'no country';
}

describe('normalisation corpus', () => {
  it.each(corpus.cases.map((row) => [row.field, JSON.stringify(row.input), context(row), row]))(
    '%s %s (%s)',
    (_field, _input, _context, row) => {
      const normalise = NORMALISERS[row.field];
      if (normalise === undefined) throw new Error(`no normaliser for field ${row.field}`);

      const actual = normalise(row);

      expect(actual, row.rule).toBe(row.expected ?? undefined);
    },
  );

  it('holds at least 300 cases, each with a rule from a named source', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(300);
    const unsourced = corpus.cases.filter((row) => !RULE_SOURCES.test(row.rule));
    expect(unsourced).toEqual([]);
  });

  it('states each case once, so that no two rows can silently disagree', () => {
    const keys = corpus.cases.map((row) =>
      JSON.stringify([row.field, row.input, row.country ?? null, row.defaultPhoneCountry ?? null]),
    );
    expect(keys.length - new Set(keys).size).toBe(0);
  });

  it('covers every field with values that are kept and values that are left out', () => {
    for (const field of Object.keys(NORMALISERS)) {
      const rows = corpus.cases.filter((row) => row.field === field);
      expect(
        rows.some((row) => row.expected !== null),
        `${field} keeps a value`,
      ).toBe(true);
      expect(
        rows.some((row) => row.expected === null) || field === 'externalId',
        `${field} leaves a value out`,
      ).toBe(true);
    }
  });
});
