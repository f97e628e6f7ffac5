import { describe, expect, it } from 'vitest';
import { contactIdsPrimaryFirst } from '../../../lib/crm/hubspot/associations';

const ASSOCIATIONS = [
  { contactId: '1', labels: [] },
  { contactId: '2', labels: ['Billing'] },
  { contactId: '3', labels: ['Decision maker'] },
];

describe('contactIdsPrimaryFirst', () => {
  it('puts the contact labelled with the primary label first, compared without case', () => {
    expect(contactIdsPrimaryFirst(ASSOCIATIONS, ' decision MAKER ')).toEqual(['3', '1', '2']);
  });

  it("keeps HubSpot's order when no association carries the label, or none is configured", () => {
    expect(contactIdsPrimaryFirst(ASSOCIATIONS, 'Champion')).toEqual(['1', '2', '3']);
    expect(contactIdsPrimaryFirst(ASSOCIATIONS, undefined)).toEqual(['1', '2', '3']);
  });

  it('lists a contact once, however many pages or labels name it', () => {
    expect(contactIdsPrimaryFirst([...ASSOCIATIONS, { contactId: '3', labels: [] }], 'Billing')).toEqual([
      '2',
      '1',
      '3',
    ]);
  });
});
