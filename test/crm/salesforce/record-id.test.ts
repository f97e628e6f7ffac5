import { describe, expect, it } from 'vitest';
import {
  salesforceIdSuffix,
  sameSalesforceId,
  toEighteenCharacterId,
} from '../../../lib/crm/salesforce/record-id';

describe('Salesforce record IDs', () => {
  it("computes the case-checksum suffix (Salesforce's documented example 0015000000VALDt → AAP)", () => {
    expect(salesforceIdSuffix('0015000000VALDt')).toBe('AAP');
    expect(toEighteenCharacterId('00D5g000004ABCD')).toBe('00D5g000004ABCDEA4');
  });

  it('compares 15- and 18-character forms of the same org both ways', () => {
    expect(sameSalesforceId('00D5g000004ABCD', '00D5g000004ABCDEA4')).toBe(true);
    expect(sameSalesforceId('00D5g000004ABCDEA4', '00D5g000004ABCD')).toBe(true);
    expect(sameSalesforceId('00D5g000004ABCDea4', '00D5g000004ABCD')).toBe(true);
  });

  it('tells apart IDs that differ only in case, and refuses an 18-character ID whose suffix lies', () => {
    expect(sameSalesforceId('00D5g000004abcd', '00D5g000004ABCD')).toBe(false);
    expect(sameSalesforceId('00d5g000004abcdEA4', '00D5g000004ABCD')).toBe(false);
    expect(toEighteenCharacterId('00D5g000004ABCDAAA')).toBeUndefined();
    expect(sameSalesforceId('not-an-id', 'not-an-id')).toBe(false);
  });
});
