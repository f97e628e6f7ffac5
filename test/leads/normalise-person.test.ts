import { describe, expect, it } from 'vitest';
import {
  normaliseGender,
  normaliseNameForGoogle,
  normaliseNameForMeta,
} from '../../lib/leads/normalise-person';

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
