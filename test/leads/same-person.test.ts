import { describe, expect, it } from 'vitest';
import { hashIdentity } from '../../lib/leads/identity';
import { identityOfSubject, isSamePerson } from '../../lib/leads/same-person';

const lead = hashIdentity({ emails: ['Lead@Example.com'], phones: ['+14155550100'], firstName: 'Lee' });
const sameByEmail = hashIdentity({ emails: ['lead@example.com', 'work@example.com'], firstName: 'Leland' });
const sameByPhone = hashIdentity({ phones: ['(415) 555-0100'], country: 'US', lastName: 'Person' });
const other = hashIdentity({
  emails: ['colleague@example.org'],
  phones: ['+442071838750'],
  firstName: 'Colin',
});

describe('isSamePerson', () => {
  it('is true when a hashed email or a hashed phone is shared', () => {
    expect(isSamePerson(lead, sameByEmail)).toBe(true);
    expect(isSamePerson(lead, sameByPhone)).toBe(true);
  });

  it('is false for another person, and for a name alone', () => {
    expect(isSamePerson(lead, other)).toBe(false);
    expect(isSamePerson(lead, hashIdentity({ firstName: 'Lee' }))).toBe(false);
  });
});

describe('identityOfSubject', () => {
  it("keeps the lead's identity alone when the contact is another person", () => {
    expect(identityOfSubject(lead, other)).toEqual(lead);
  });

  it("completes the lead's identity with the same person's (the lead's values win)", () => {
    const joined = identityOfSubject(lead, sameByEmail);
    expect(joined?.meta.em).toEqual([...lead.meta.em, sameByEmail.meta.em[1]]);
    expect(joined?.meta.fn).toBe(lead.meta.fn);
  });

  it('uses the contact alone without a lead, and the lead alone without a contact', () => {
    expect(identityOfSubject(undefined, other)).toEqual(other);
    expect(identityOfSubject(lead, undefined)).toEqual(lead);
    expect(identityOfSubject(undefined, undefined)).toBeUndefined();
  });

  it("merges a contact the sender vouches for (a pushed lead_closed's user)", () => {
    expect(identityOfSubject(lead, other, { contactIsTheLead: true })?.meta.em).toEqual([
      ...lead.meta.em,
      ...other.meta.em,
    ]);
  });
});
