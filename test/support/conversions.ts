import * as v from 'valibot';
import type { CloseInput, CloseRecord, LeadRecord } from '../../lib/domain';
import { type LeadCreatedEvent, LeadCreatedEventSchema } from '../../lib/events/lead-created';
import { captureFromReshape } from '../../lib/leads/capture';
import { hashIdentity, type IdentityInput } from '../../lib/leads/identity';
import { saveLeadCapture } from '../../lib/leads/save-lead';
import { recordClose } from '../../lib/pipeline/record-close';
import type { Store } from '../../lib/store/store';
import { DAY, HOUR, T0 } from './clock';

/** The person behind the test leads, in plaintext: none of these strings may leave the connector. */
export const PERSON = {
  email: ' Jane.Doe+ads@GMail.com ',
  phone: '+14155550100',
  first_name: 'Jane',
  last_name: "O'Doe",
  street: '1 Market Street',
  city: 'San Francisco',
  region: 'California',
  postal_code: '94105-1234',
  country: 'US',
};
export const PERSON_PLAINTEXT = [
  'Jane.Doe+ads@GMail.com',
  'jane.doe+ads@gmail.com',
  'janedoe@gmail.com',
  '+14155550100',
  '14155550100',
  '4155550100',
  'Jane',
  'jane',
  "O'Doe",
  'odoe',
  '1 Market Street',
  'San Francisco',
  'sanfrancisco',
];

export const GCLID = 'EAIaIQobChMI-test-gclid-123';
export const FBCLID = 'IwAR-test-fbclid';

export type LeadOptions = {
  capturedAt?: number;
  url?: string;
  user?: LeadCreatedEvent['user'] | null;
  consent?: LeadCreatedEvent['consent'];
  clickIds?: Record<string, string>;
  ip?: string;
  userAgent?: string;
};

/** The `lead_created` a site would push to collect, as JSON. */
export function leadCreatedBody(leadId: string, options: LeadOptions = {}) {
  return {
    event: { name: 'lead_created', id: leadId, timestamp: options.capturedAt ?? T0 - 30 * DAY },
    context: {
      url: options.url ?? `https://example.com/demo?gclid=${GCLID}&fbclid=${FBCLID}`,
      ip: options.ip ?? '203.0.113.10',
      user_agent: options.userAgent ?? 'Mozilla/5.0 (test)',
      ...(options.clickIds ? { click_ids: options.clickIds } : {}),
    },
    ...(options.user === null ? {} : { user: options.user ?? PERSON }),
    consent: options.consent ?? { analytics: true, personalization: true, marketing: true },
  };
}

export function leadCreatedEvent(leadId: string, options: LeadOptions = {}): LeadCreatedEvent {
  return v.parse(LeadCreatedEventSchema, leadCreatedBody(leadId, options));
}

export async function storeLead(
  store: Store,
  leadId: string,
  options: LeadOptions = {},
  now = T0,
): Promise<LeadRecord> {
  const capture = captureFromReshape(leadCreatedEvent(leadId, options), now);
  const { lead } = await saveLeadCapture(store, capture, { now, retentionDays: 180 });
  return lead;
}

/** The CRM contact's identifiers, in plaintext (hashed on intake). */
export const CONTACT = { email: 'crm.contact@example.org', phone: '+442071838750' };

export function contactIdentity(input: IdentityInput = { emails: [CONTACT.email], phones: [CONTACT.phone] }) {
  return hashIdentity(input);
}

export function closeInput(leadId: string | undefined, overrides: Partial<CloseInput> = {}): CloseInput {
  return {
    ...(leadId ? { leadId } : {}),
    crm: 'hubspot',
    dealId: `deal-${leadId ?? 'none'}`,
    outcome: 'won',
    value: 4500,
    currency: 'USD',
    closedAt: T0 - HOUR,
    sourceUpdatedAt: T0 - HOUR,
    closureReason: undefined,
    salesCycleDays: 30,
    ...overrides,
  } as CloseInput;
}

export async function storeClose(store: Store, input: CloseInput, now = T0): Promise<CloseRecord> {
  const result = await recordClose(store, input, now);
  if (!result.close) throw new Error(`close not recorded: ${result.action}`);
  return result.close;
}
