import { type CloseDecision, closeKeyFor } from '../../domain';
import { hasAnyIdentifier, hashIdentity } from '../../leads/identity';
import { cleanCrmText, parseAmount, parseLeadId, readCrmCurrency, salesCycleDays } from '../close-fields';
import { normaliseClosureReason } from '../closure-reason';
import type { FlowContact, Opportunity } from './opportunity';

/**
 * A Salesforce Opportunity → what the connector records (pure). `IsWon` / `IsClosed` are authoritative
 * (reference §5: stage names are per-org picklist values); the standard "Closed Won" / "Closed Lost" names
 * are used only when a webhook was configured without those two fields.
 */
export type OpportunityOutcome = 'won' | 'lost' | 'open' | 'unknown';

export function classifyOpportunity(
  opportunity: Pick<Opportunity, 'IsWon' | 'IsClosed' | 'StageName'>,
): OpportunityOutcome {
  const { IsWon: won, IsClosed: closed } = opportunity;
  if (closed === false) return 'open';
  if (won === true) return 'won';
  if (closed === true && won === false) return 'lost';
  const stage = opportunity.StageName?.trim().toLowerCase();
  if (stage === 'closed won') return 'won';
  if (stage === 'closed lost') return 'lost';
  return 'unknown';
}

export type SalesforceMappingContext = {
  leadIdField: string;
  lossReasonField: string;
  defaultCurrency: string;
  /** DEFAULT_PHONE_COUNTRY: the country of a contact's national phone number when the contact names none. */
  defaultPhoneCountry?: string | undefined;
  closureReasonMap: Readonly<Record<string, string>>;
  now: number;
};

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

function contactIdentity(contact: FlowContact | undefined, defaultPhoneCountry: string | undefined) {
  if (!contact) return undefined;
  const identity = hashIdentity(
    {
      emails: [contact.Email],
      phones: [contact.Phone, contact.MobilePhone],
      firstName: contact.FirstName,
      lastName: contact.LastName,
      street: contact.MailingStreet,
      city: contact.MailingCity,
      region: contact.MailingState,
      postalCode: contact.MailingPostalCode,
      country: contact.MailingCountry,
    },
    { defaultPhoneCountry },
  );
  return hasAnyIdentifier(identity) ? identity : undefined;
}

/** One Opportunity as a webhook or SOQL showed it, with the close it became earlier (its deal pointer). */
export type OpportunityView = { opportunity: Opportunity; contact?: FlowContact; pointerCloseKey?: string };

export function mapSalesforceOpportunity(
  report: OpportunityView,
  context: SalesforceMappingContext,
): CloseDecision {
  const opportunity = report.opportunity;
  const outcome = classifyOpportunity(opportunity);
  if (outcome === 'unknown') return { action: 'ignore', reason: 'unclassified_stage' };
  const dealId = opportunity.Id;
  // The message is sent by the change that closed the deal, so its modification time is the close time
  // (reference §6); CloseDate is a date the rep may have set ahead, used only when nothing better came.
  const closedAt = Math.min(
    context.now,
    opportunity.LastModifiedDate ?? opportunity.SystemModstamp ?? opportunity.CloseDate ?? context.now,
  );
  // SystemModstamp changes on every write, system ones included: the safest order of two reports.
  const sourceUpdatedAt = opportunity.SystemModstamp ?? opportunity.LastModifiedDate ?? closedAt;
  const { currency, unusable } = readCrmCurrency(
    opportunity.CurrencyIsoCode,
    context.defaultCurrency,
    'CurrencyIsoCode',
  );
  const stage = cleanCrmText(opportunity.StageName, 256);
  if (outcome === 'open') {
    if (report.pointerCloseKey === undefined) return { action: 'ignore', reason: 'open' };
    const pointerIsDeal = report.pointerCloseKey === closeKeyFor({ crm: 'salesforce', dealId });
    return {
      action: 'record',
      close: withoutUndefined({
        subjectKey: report.pointerCloseKey,
        leadId: pointerIsDeal ? undefined : report.pointerCloseKey,
        crm: 'salesforce',
        dealId,
        outcome: 'reopened',
        value: 0,
        currency,
        closedAt,
        sourceUpdatedAt,
        stage,
      }),
    };
  }
  const reason =
    outcome === 'lost'
      ? normaliseClosureReason(opportunity[context.lossReasonField], context.closureReasonMap)
      : {};
  return {
    action: 'record',
    close: withoutUndefined({
      subjectKey: report.pointerCloseKey,
      leadId: parseLeadId(opportunity[context.leadIdField]),
      crm: 'salesforce',
      dealId,
      outcome,
      value: outcome === 'won' ? (parseAmount(opportunity.Amount) ?? 0) : 0,
      currency,
      closedAt,
      sourceUpdatedAt,
      stage,
      closureReason: reason.closureReason,
      closureDetail: reason.closureDetail,
      salesCycleDays: salesCycleDays(opportunity.CreatedDate, closedAt),
      dealType: cleanCrmText(opportunity.Type, 256),
      dealCreatedAt: opportunity.CreatedDate,
      contactIdentity: contactIdentity(report.contact, context.defaultPhoneCountry),
      unusable,
    }),
  };
}
