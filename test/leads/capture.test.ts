import { describe, expect, it } from 'vitest';
import type { CroctLeadGenerated } from '../../lib/events/croct-lead-generated';
import type { LeadCreatedEvent } from '../../lib/events/lead-created';
import { captureFromCroct, captureFromReshape } from '../../lib/leads/capture';
import { sha256Hex } from '../../lib/leads/hash';

const RECEIVED_AT = Date.parse('2026-11-23T12:00:00Z');

describe('captureFromReshape', () => {
  const event: LeadCreatedEvent = {
    event: { name: 'lead_created', id: 'lead_1' },
    user: { phone: '030 901820' },
  };

  it('reads a national number in the default phone country it is given', () => {
    const capture = captureFromReshape(event, RECEIVED_AT, { defaultPhoneCountry: 'DE' });

    expect(capture.identity.google.phones).toEqual([sha256Hex('+4930901820')]);
    expect(capture.identity.meta.ph).toEqual([sha256Hex('4930901820')]);
  });

  it('leaves a national number out without a lead country or a default', () => {
    const capture = captureFromReshape(event, RECEIVED_AT);

    expect(capture.identity.google.phones).toEqual([]);
  });
});

describe('captureFromCroct', () => {
  const event: CroctLeadGenerated = {
    type: 'leadGenerated',
    leadId: 'lead_2',
    lead: { phone: '(415) 555-0100', birthDate: '2/16/1997' },
  };

  it('reads a national number in the default phone country it is given', () => {
    const capture = captureFromCroct(event, RECEIVED_AT, { defaultPhoneCountry: 'US' });

    expect(capture.identity.google.phones).toEqual([sha256Hex('+14155550100')]);
    expect(capture.identity.meta.db).toBe(sha256Hex('19970216'));
  });
});
