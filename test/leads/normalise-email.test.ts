import { describe, expect, it } from 'vitest';
import { normaliseEmail, normaliseEmailForGoogle } from '../../lib/leads/normalise-email';

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
