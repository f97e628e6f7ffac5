import { CRM_DISPLAY_NAMES } from '../../lib/crm/registry';
import type { LeadClosedConversion } from '../../lib/destinations/types';
import type { CloseInput, CloseRecord, LeadRecord } from '../../lib/domain';
import { captureFromReshape, mergeLead } from '../../lib/leads/capture';
import { mergeHashedIdentity } from '../../lib/leads/identity';
import { decideCloseWrite } from '../../lib/pipeline/record-close';
import { DAY, HOUR, T0 } from './clock';
import { closeInput, type LeadOptions, leadCreatedEvent } from './conversions';

/** Pure builders for mapping tests: a close record, a lead record and the conversion joining them. */
export function closeRecord(
  leadId: string | undefined,
  overrides: Partial<CloseInput> = {},
  now = T0,
): CloseRecord {
  const next = decideCloseWrite(undefined, closeInput(leadId, overrides), now).next;
  if (!next) throw new Error('close not created');
  return next;
}

/** The next version of a close (re-valued, flipped or re-opened), as recordClose would write it. */
export function nextCloseVersion(
  previous: CloseRecord,
  overrides: Partial<CloseInput>,
  now = T0 + HOUR,
): CloseRecord {
  const next = decideCloseWrite(
    previous,
    { ...previous, ...overrides, sourceUpdatedAt: previous.sourceUpdatedAt + 1000 },
    now,
  ).next;
  if (!next) throw new Error('no new version');
  return next;
}

export function leadRecord(leadId: string, options: LeadOptions = {}): LeadRecord {
  return mergeLead(
    undefined,
    captureFromReshape(leadCreatedEvent(leadId, options), T0 - 30 * DAY),
    T0 - 30 * DAY,
  );
}

export function conversionOf(
  close: CloseRecord,
  lead: LeadRecord | undefined,
  overrides: Partial<LeadClosedConversion> = {},
): LeadClosedConversion {
  const identity = lead
    ? close.contactIdentity
      ? mergeHashedIdentity(close.contactIdentity, lead.identity)
      : lead.identity
    : close.contactIdentity;
  return {
    type: 'lead_closed',
    close,
    crmDisplayName: CRM_DISPLAY_NAMES[close.crm] ?? close.crm,
    lead,
    identity,
    consent: lead?.consent ?? close.consent,
    delivered: undefined,
    now: T0,
    ...overrides,
  };
}
