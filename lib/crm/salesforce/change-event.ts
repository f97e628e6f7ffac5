import * as v from 'valibot';
import type { CloseRecord } from '../../domain';
import { PayloadValidationError } from '../../errors';
import { toFieldIssues } from '../../validation';
import { type Opportunity, type OpportunityReport, parseOpportunities } from './opportunity';
import { SALESFORCE_ID_PATTERN } from './record-id';

/**
 * A Change Data Capture `OpportunityChangeEvent` as Salesforce Event Relay puts it on an EventBridge
 * partner event bus (reference §7; developer.salesforce.com Change Data Capture "Change Event Message
 * Structure", Event Relay): the EventBridge envelope (`detail-type` the event's name, `source`
 * `aws.partner/salesforce.com/<orgId>/<channelId>`), and in `detail` the event's `payload` —
 * `ChangeEventHeader` {entityName, recordIds, changeType, changedFields, commitTimestamp…} beside the
 * record's fields — and its `replayId`, unique within the channel: the de-duplication key.
 *
 * A change event carries only the fields that changed, plus the channel's enriched fields
 * (crm-setup/salesforce: the fields the connector reads). A field it lacks is taken from the close already
 * recorded for the Opportunity (`completeFromClose`), so an amount change alone re-values that close.
 * Dates may come as text or, from the events' Avro form, as numbers (epoch ms; a date as days).
 */
export const OPPORTUNITY_CHANGE_EVENT = 'OpportunityChangeEvent';
/** The partner event source names the org and the relay's channel. */
const PARTNER_SOURCE = /^aws\.partner\/salesforce\.com\/(00D[A-Za-z0-9]{12,15})\/([A-Za-z0-9_]{1,80})$/;

export const CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

const RecordIdSchema = v.pipe(v.string(), v.regex(SALESFORCE_ID_PATTERN, 'must be a Salesforce ID'));

const ChangeEventHeaderSchema = v.object({
  entityName: v.literal('Opportunity', 'must be Opportunity'),
  recordIds: v.pipe(v.array(RecordIdSchema), v.maxLength(200, 'at most 200 records an event')),
  changeType: v.picklist(CHANGE_TYPES, `must be one of ${CHANGE_TYPES.join(', ')}`),
  changedFields: v.optional(v.array(v.string()), []),
  commitTimestamp: v.pipe(v.number('must be epoch milliseconds'), v.integer(), v.minValue(946_684_800_000)),
});

export const OpportunityChangeEventSchema = v.object({
  'detail-type': v.literal(OPPORTUNITY_CHANGE_EVENT, `must be ${OPPORTUNITY_CHANGE_EVENT}`),
  source: v.pipe(v.string(), v.regex(PARTNER_SOURCE, 'must be a Salesforce partner event source')),
  detail: v.object({
    payload: v.looseObject({ ChangeEventHeader: ChangeEventHeaderSchema }),
    replayId: v.pipe(
      v.union(
        [v.pipe(v.string(), v.regex(/^\d{1,30}$/)), v.pipe(v.number(), v.integer(), v.minValue(0))],
        'must be a replay ID',
      ),
      v.transform(String),
    ),
  }),
});

export type OpportunityChange = {
  orgId: string;
  /** The receipt key: the replay ID within its channel. */
  receiptId: string;
  changeType: ChangeType;
  recordIds: string[];
  commitTimestamp: number;
  /** The Opportunities as the mapping reads them (creates and updates; none for deletions and gaps). */
  reports: OpportunityReport[];
};

const DATE_TIME_FIELDS = ['CreatedDate', 'LastModifiedDate', 'SystemModstamp'];
const DAY_MS = 86_400_000;

/** A record's fields with the Avro form's numbers as the text the schema reads. */
function withTextDates(fields: Record<string, unknown>): Record<string, unknown> {
  const record = { ...fields };
  for (const name of DATE_TIME_FIELDS) {
    if (typeof record[name] === 'number') record[name] = new Date(record[name] as number).toISOString();
  }
  // An Avro date is days since the epoch; larger numbers are milliseconds.
  if (typeof record.CloseDate === 'number') {
    const days = record.CloseDate as number;
    record.CloseDate = new Date(days < 1_000_000 ? days * DAY_MS : days).toISOString().slice(0, 10);
  }
  return record;
}

/** Validates an EventBridge event as an OpportunityChangeEvent; PayloadValidationError names each bad field. */
export function parseOpportunityChangeEvent(event: unknown): OpportunityChange {
  const parsed = v.safeParse(OpportunityChangeEventSchema, event, { abortEarly: false });
  if (!parsed.success) throw new PayloadValidationError(toFieldIssues(parsed.issues).slice(0, 50));
  const { source, detail } = parsed.output;
  const [, orgId, channel] = PARTNER_SOURCE.exec(source) as RegExpExecArray;
  const { ChangeEventHeader: header, ...fields } = detail.payload;
  const withFields =
    header.changeType === 'CREATE' || header.changeType === 'UPDATE' || header.changeType === 'UNDELETE';
  const commitTime = new Date(header.commitTimestamp).toISOString();
  const reports = withFields
    ? parseOpportunities(
        header.recordIds.map((recordId) => ({
          // The commit is the change's time: the order of two reports, and the close time of a stage change.
          record: withTextDates({
            LastModifiedDate: commitTime,
            ...fields,
            SystemModstamp: commitTime,
            Id: recordId,
          }),
          path: 'detail.payload',
        })),
      )
    : [];
  return {
    orgId: orgId as string,
    receiptId: `${channel}#${detail.replayId}`,
    changeType: header.changeType,
    recordIds: header.recordIds,
    commitTimestamp: header.commitTimestamp,
    reports,
  };
}

/** The fields of a change event's Opportunity it lacks, from the close recorded for it (pure). */
export function completeFromClose(
  opportunity: Opportunity,
  close: CloseRecord | undefined,
  options: { leadIdField: string },
): Opportunity {
  if (!close || close.outcome === 'deleted') return opportunity;
  const completed: Opportunity = { ...opportunity };
  if (completed.IsClosed === undefined && completed.IsWon === undefined) {
    completed.IsClosed = close.outcome !== 'reopened';
    completed.IsWon = close.outcome === 'won';
  }
  completed.StageName ??= close.stage;
  if (completed.Amount === undefined && close.outcome === 'won') completed.Amount = close.value;
  completed.CurrencyIsoCode ??= close.currency;
  completed.CreatedDate ??= close.dealCreatedAt;
  if (completed[options.leadIdField] === undefined && close.leadId !== undefined) {
    completed[options.leadIdField] = close.leadId;
  }
  return completed;
}
