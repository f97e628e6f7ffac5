import type { CloseOutcome, DealPointer, DeliveryRecord, LeadRecord } from '../domain';
import { ITEM_TYPES } from './keys';
import { type PageCursor, STORED_ATTRIBUTE_NAMES, type TableAccess, toRecord } from './table-access';

/**
 * What the reports (`npm run status`, the dashboard's overview) read of the whole table, in one Scan: every
 * delivery, deal pointer, subject (close, order, funnel stage) and lead with only the attributes a count needs — never a payload, an
 * attempt history, an identifier, an IP address or a user agent.
 */
export type ReportStore = {
  scanReport(cursor?: PageCursor): Promise<ReportPage>;
};

export type ReportDelivery = Pick<
  DeliveryRecord,
  | 'subjectKey'
  | 'destination'
  | 'status'
  | 'attempts'
  | 'createdAt'
  | 'updatedAt'
  | 'nextAttemptAt'
  | 'lastError'
  | 'lastErrorCode'
  | 'rejectedByPlatform'
  | 'delivered'
>;

/** A close, an order or a funnel stage, as counted: its kind, CRM, outcome or stage, and time. */
export type ReportSubject = {
  subjectKey: string;
  kind: 'close' | 'order' | 'stage';
  crm?: string;
  outcome?: CloseOutcome;
  /** The stage's name (`kind: 'stage'`). */
  stage?: string;
  /** The close's time in the CRM, the order's, or when the lead reached the stage. */
  at: number;
};

export type ReportLead = Pick<LeadRecord, 'leadId' | 'capturedAt' | 'updatedAt'>;

export type ReportPage = {
  deliveries: ReportDelivery[];
  dealPointers: DealPointer[];
  subjects: ReportSubject[];
  leads: ReportLead[];
  cursor?: PageCursor;
};

const SUBJECT_KEY = STORED_ATTRIBUTE_NAMES.subjectKey;
const ATTRIBUTES = [
  SUBJECT_KEY,
  // deliveries
  'destination',
  'status',
  'attempts',
  'createdAt',
  'updatedAt',
  'nextAttemptAt',
  'lastError',
  'lastErrorCode',
  'rejectedByPlatform',
  'delivered',
  // deal pointers
  'crm',
  'dealId',
  'mergedInto',
  'mergedAt',
  'deletedAt',
  'restoredAt',
  // subjects
  'kind',
  'outcome',
  'closedAt',
  'occurredAt',
  'stage',
  'reachedAt',
  // leads
  'leadId',
  'capturedAt',
];

export function createReportStore(table: TableAccess): ReportStore {
  return {
    async scanReport(cursor) {
      const page = await table.scanTypes(
        [
          ITEM_TYPES.delivery,
          ITEM_TYPES.deal,
          ITEM_TYPES.close,
          ITEM_TYPES.order,
          ITEM_TYPES.stage,
          ITEM_TYPES.lead,
        ],
        ATTRIBUTES,
        cursor,
      );
      const result: ReportPage = { deliveries: [], dealPointers: [], subjects: [], leads: [] };
      for (const item of page.items) {
        if (item.type === ITEM_TYPES.delivery) result.deliveries.push(toRecord<ReportDelivery>(item));
        else if (item.type === ITEM_TYPES.deal) result.dealPointers.push(toRecord<DealPointer>(item));
        else if (item.type === ITEM_TYPES.lead) result.leads.push(toRecord<ReportLead>(item));
        else if (item.type === ITEM_TYPES.order) {
          result.subjects.push({
            subjectKey: String(item[SUBJECT_KEY]),
            kind: 'order',
            at: Number(item.occurredAt),
          });
        } else if (item.type === ITEM_TYPES.stage) {
          result.subjects.push({
            subjectKey: String(item[SUBJECT_KEY]),
            kind: 'stage',
            ...(typeof item.crm === 'string' ? { crm: item.crm } : {}),
            stage: String(item.stage),
            at: Number(item.reachedAt),
          });
        } else {
          result.subjects.push({
            subjectKey: String(item[SUBJECT_KEY]),
            kind: 'close',
            ...(typeof item.crm === 'string' ? { crm: item.crm } : {}),
            ...(typeof item.outcome === 'string' ? { outcome: item.outcome as CloseOutcome } : {}),
            at: Number(item.closedAt),
          });
        }
      }
      return { ...result, ...(page.cursor ? { cursor: page.cursor } : {}) };
    },
  };
}
