import * as v from 'valibot';
import { type FieldIssue, PayloadValidationError } from '../../errors';
import { toFieldIssues } from '../../validation';
import { parseCrmTimestamp, readCrmAmount } from '../close-fields';
import { SALESFORCE_ID_PATTERN } from './record-id';

/**
 * An Opportunity as the two Salesforce webhooks carry it, by field API name (reference §5). Outbound
 * Messages send every value as text ("true", "1500.0", `xsi:nil` → null); a Flow's JSON sends booleans and
 * numbers. Both validate here to the same typed record; custom fields (lead ID, loss reason) stay as sent
 * and are read by their configured names.
 */
const SalesforceIdSchema = v.pipe(
  v.string('required'),
  v.trim(),
  v.regex(SALESFORCE_ID_PATTERN, 'must be a 15- or 18-character Salesforce ID'),
);

const FlagSchema = v.optional(
  v.pipe(
    v.nullable(
      v.union(
        [v.boolean(), v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(['true', 'false']))],
        'must be true or false',
      ),
    ),
    v.transform((value) => (value === null ? undefined : value === true || value === 'true')),
  ),
);

// What xsd:double and xsd:decimal values look like in an Outbound Message.
const SOAP_DOUBLE = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * `Amount`: a number, SOAP's decimal text ("1500.0", "1.0E7"), or text as a Flow may format it ("$1,500.00",
 * "1.500,00 €") read by the reader HubSpot's amounts go through too (close-fields.ts); anything else, or
 * more than `Number.MAX_SAFE_INTEGER`, names the field — never a silent 0.
 */
const AmountSchema = v.optional(
  v.pipe(
    v.nullable(v.union([v.number(), v.string()], 'must be a number')),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const value = dataset.value;
      if (value === null) return undefined;
      const text = typeof value === 'string' ? value.trim() : value;
      const amount = readCrmAmount(typeof text === 'string' && SOAP_DOUBLE.test(text) ? Number(text) : text);
      if (amount.kind === 'absent') return undefined;
      if (amount.kind === 'amount') return amount.value;
      addIssue({
        message:
          typeof value === 'number' || SOAP_DOUBLE.test(String(text)) ? amount.message : 'must be a number',
      });
      return NEVER;
    }),
  ),
);

const TimestampSchema = v.optional(
  v.pipe(
    v.nullable(v.string('must be an ISO 8601 date-time or date')),
    v.transform((value) => (value === null || value.trim() === '' ? undefined : value)),
    v.check(
      (value) => value === undefined || parseCrmTimestamp(value) !== undefined,
      'must be an ISO 8601 date-time with zone, or a date',
    ),
    v.transform((value) => (value === undefined ? undefined : parseCrmTimestamp(value))),
  ),
);

const TextSchema = v.optional(
  v.pipe(
    v.nullable(v.union([v.string(), v.number()], 'must be text')),
    v.transform((value) => (value === null ? undefined : String(value))),
    v.check((value) => value === undefined || value.length <= 4096, 'must be at most 4096 characters'),
  ),
);

export const OpportunitySchema = v.looseObject({
  Id: SalesforceIdSchema,
  StageName: TextSchema,
  IsWon: FlagSchema,
  IsClosed: FlagSchema,
  Amount: AmountSchema,
  CurrencyIsoCode: TextSchema,
  CloseDate: TimestampSchema,
  CreatedDate: TimestampSchema,
  LastModifiedDate: TimestampSchema,
  SystemModstamp: TimestampSchema,
  Type: TextSchema,
});
export type Opportunity = v.InferOutput<typeof OpportunitySchema>;

/** The contact a Flow may attach to the Opportunity (a connector convention, see README): Contact field names. */
export const FlowContactSchema = v.object({
  Email: TextSchema,
  Phone: TextSchema,
  MobilePhone: TextSchema,
  FirstName: TextSchema,
  LastName: TextSchema,
  MailingStreet: TextSchema,
  MailingCity: TextSchema,
  MailingState: TextSchema,
  MailingPostalCode: TextSchema,
  MailingCountry: TextSchema,
});
export type FlowContact = v.InferOutput<typeof FlowContactSchema>;

/** One Opportunity report from either webhook, ready for mapping. */
export type OpportunityReport = {
  opportunity: Opportunity;
  contact?: FlowContact;
  /** Outbound Message notification ID: the de-duplication key across Salesforce's retries. */
  receiptId?: string;
};

/** Validates many records at once so that every bad field of the request is named, not only the first. */
export function parseOpportunities(
  records: readonly { record: unknown; contact?: unknown; path: string; receiptId?: string }[],
): OpportunityReport[] {
  const issues: FieldIssue[] = [];
  const reports: OpportunityReport[] = [];
  for (const { record, contact, path, receiptId } of records) {
    const parsed = v.safeParse(OpportunitySchema, record, { abortEarly: false });
    const parsedContact =
      contact === undefined ? undefined : v.safeParse(FlowContactSchema, contact, { abortEarly: false });
    if (!parsed.success) issues.push(...toFieldIssues(parsed.issues, path));
    if (parsedContact && !parsedContact.success) {
      issues.push(...toFieldIssues(parsedContact.issues, path === '' ? 'Contact' : `${path}.Contact`));
    }
    if (parsed.success && (!parsedContact || parsedContact.success)) {
      reports.push({
        opportunity: parsed.output,
        ...(parsedContact?.success ? { contact: parsedContact.output } : {}),
        ...(receiptId === undefined ? {} : { receiptId }),
      });
    }
  }
  if (issues.length > 0) throw new PayloadValidationError(issues.slice(0, 50));
  return reports;
}
