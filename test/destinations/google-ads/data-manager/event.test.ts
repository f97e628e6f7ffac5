import { describe, expect, it } from 'vitest';
import {
  googleUserIdentifiers,
  validateDataManagerEvent,
} from '../../../../lib/destinations/google-ads/data-manager/event';
import { hashIdentity } from '../../../../lib/leads/identity';

describe('googleUserIdentifiers', () => {
  it('caps at 10 and keeps one of each kind first', () => {
    const identity = hashIdentity({
      emails: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com'],
      phones: ['+14155550101', '+14155550102', '+14155550103', '+14155550104', '+14155550105'],
      firstName: 'Jane',
      lastName: 'Doe',
      country: 'US',
      postalCode: '94105',
    });
    const identifiers = googleUserIdentifiers(identity);
    expect(identifiers).toHaveLength(10);
    expect(Object.keys(identifiers[0] as object)).toEqual(['emailAddress']);
    expect(Object.keys(identifiers[1] as object)).toEqual(['phoneNumber']);
    expect(Object.keys(identifiers[2] as object)).toEqual(['address']);
  });

  it('leaves out an incomplete address', () => {
    expect(
      googleUserIdentifiers(hashIdentity({ firstName: 'Jane', lastName: 'Doe', country: 'US' })),
    ).toEqual([]);
  });
});

describe('validateDataManagerEvent', () => {
  it('names the field of a bad row, never its value', () => {
    const problem = validateDataManagerEvent({
      destinationReferences: ['won'],
      transactionId: 'lead_1',
      eventTimestamp: 'yesterday',
      lastUpdatedTimestamp: '2026-11-20T09:00:00.000Z',
      conversionValue: 1,
      currency: 'USD',
      eventSource: 'OTHER',
      adIdentifiers: { gclid: 'x' },
    });
    expect(problem).toBe('eventTimestamp: must be RFC 3339');
  });
});
