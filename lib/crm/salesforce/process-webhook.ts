import { type CloseDecision, type ConversionSubject, closeKeyFor, type StageDefinition } from '../../domain';
import { isCrmRecordSuppressed, suppressionHashOfLeadId } from '../../erasure/suppression';
import type { MetricsRecorder } from '../../observability/metrics';
import type { InlineHandoff } from '../../pipeline/inline-dispatch';
import { createdStages, recordStages } from '../../pipeline/record-stages';
import type { Store } from '../../store/store';
import { parseLeadId } from '../close-fields';
import { changedCloses, type IntakeLogger, pointerCloseKeys, putReceipts, recordCloses } from '../intake';
import type { CrmIntakeSummary } from '../types';
import type { SalesforceWebhook } from './flow-payload';
import { classifyOpportunity, mapSalesforceOpportunity } from './map-opportunity';
import { mapSalesforceOpportunityStages } from './map-opportunity-stages';
import type { FlowContact, OpportunityReport } from './opportunity';
import type { PrimaryContactReader } from './primary-contacts';

/**
 * A verified, validated Salesforce webhook → recorded closes: one read of the receipts, the deal pointers and
 * the closes' stored state; drop notifications already received, decide per Opportunity (a re-opened one is
 * found through its deal pointer), record, then write the receipts and — beside them, when the webhook
 * hands over to the destinations — dispatch what was recorded.
 */
export const SALESFORCE_RECEIPT_SOURCE = 'salesforce';

export type SalesforceIntakeDeps = {
  store: Store;
  leadIdField: string;
  lossReasonField: string;
  defaultCurrency: string;
  /** DEFAULT_PHONE_COUNTRY: the country of a contact's national phone number when the contact names none. */
  defaultPhoneCountry?: string | undefined;
  closureReasonMap: Readonly<Record<string, string>>;
  /** CONVERSION_STAGES: Opportunities reaching one are recorded as stages beside their closes. */
  stages?: readonly StageDefinition[] | undefined;
  now: () => number;
  logger: IntakeLogger;
  /** Counts ClosesRecorded by CRM when given. */
  metrics?: MetricsRecorder;
  /** The webhook's hand-over to the destinations (lib/crm/hubspot/intake-deps.ts says how); none in the backfill. */
  inline?: InlineHandoff;
  /**
   * Reads closed Opportunities' primary contacts (one SOQL query, primary-contacts.ts); absent without
   * SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN, and then only a Flow's attached Contact is used.
   */
  primaryContacts?: PrimaryContactReader;
};

/**
 * The primary contacts of the closed Opportunities that carry no lead ID and came without a contact, read
 * beside the stored state: their close has no lead to take an identity from, so the primary contact is
 * theirs (issue 16). A close with a lead ID is the lead's person's; it costs no query. A failed read costs
 * the closes their contact, never the closes: they are recorded all the same.
 */
async function withPrimaryContacts(
  reports: readonly OpportunityReport[],
  deps: Pick<SalesforceIntakeDeps, 'primaryContacts' | 'logger' | 'leadIdField'>,
): Promise<OpportunityReport[]> {
  const needed = reports.filter((report) => {
    const outcome = classifyOpportunity(report.opportunity);
    const leadId = parseLeadId(report.opportunity[deps.leadIdField]);
    return report.contact === undefined && leadId === undefined && (outcome === 'won' || outcome === 'lost');
  });
  if (!deps.primaryContacts || needed.length === 0) return [...reports];
  const contacts = await deps
    .primaryContacts(needed.map((report) => report.opportunity.Id))
    .catch((error) => {
      deps.logger.warn('primary contacts could not be read; closes recorded without them', {
        error: (error as Error)?.name,
      });
      return new Map<string, FlowContact>();
    });
  return reports.map((report) => {
    const contact = report.contact ?? contacts.get(report.opportunity.Id);
    return contact ? { ...report, contact } : report;
  });
}

export async function processSalesforceWebhook(
  webhook: SalesforceWebhook,
  deps: SalesforceIntakeDeps,
): Promise<CrmIntakeSummary> {
  const received = webhook.reports.length + webhook.otherObjects;
  const receiptIds = webhook.reports.flatMap((report) => (report.receiptId ? [report.receiptId] : []));
  const decide = (pointers: ReadonlyMap<string, string>, reports: typeof webhook.reports) => {
    const now = deps.now();
    return reports.map((report) =>
      mapSalesforceOpportunity(
        { ...report, pointerCloseKey: pointers.get(report.opportunity.Id) },
        { ...deps, now },
      ),
    );
  };
  // The message carries each Opportunity and its lead ID, so every key is known now: the receipts, the
  // deal pointers and the closes' stored state (a close whose pointer names another key is read when
  // recorded) in one read.
  const expectedKeys = decide(new Map(), webhook.reports).flatMap((decision) =>
    decision.action === 'record' ? [closeKeyFor(decision.close)] : [],
  );
  const stateRequest = {
    ...(deps.inline?.stateRequest(expectedKeys) ?? { subjects: expectedKeys }),
    // Erased people's suppression entries ride along (no request of their own).
    suppressions: expectedKeys.map(suppressionHashOfLeadId),
  };
  const [stored, reports] = await Promise.all([
    deps.store.getState({
      receipts: { source: SALESFORCE_RECEIPT_SOURCE, ids: receiptIds },
      dealPointers: { crm: 'salesforce', dealIds: webhook.reports.map((report) => report.opportunity.Id) },
      ...stateRequest,
    }),
    withPrimaryContacts(webhook.reports, deps),
  ]);
  const fresh = reports.filter((report) => !report.receiptId || !stored.receipts.has(report.receiptId));
  const duplicates = webhook.reports.length - fresh.length;
  if (fresh.length === 0) return { received, duplicates, ignored: webhook.otherObjects, results: [] };
  const pointers = pointerCloseKeys(stored.dealPointers);
  const decisions: CloseDecision[] = decide(pointers, fresh);
  const unclassified = decisions.filter(
    (decision) => decision.action === 'ignore' && decision.reason === 'unclassified_stage',
  ).length;
  if (unclassified > 0) {
    deps.logger.warn('opportunities without IsWon / IsClosed were ignored: add both fields to the message', {
      opportunities: unclassified,
    });
  }
  // An erased person's close or stage stores nothing (lib/erasure/suppression.ts).
  const closes = decisions.flatMap((decision) =>
    decision.action === 'record' && !isCrmRecordSuppressed(decision.close, stored.suppressed)
      ? [decision.close]
      : [],
  );
  const now = deps.now();
  const stageInputs = fresh
    .flatMap((report) =>
      mapSalesforceOpportunityStages(
        { ...report, pointerCloseKey: pointers.get(report.opportunity.Id) },
        { ...deps, now },
      ),
    )
    .filter((stage) => !isCrmRecordSuppressed(stage, stored.suppressed));
  // Stages and closes are separate items: written side by side, both durable before the receipts.
  const [results, stages] = await Promise.all([
    recordCloses(deps.store, closes, deps.now, {
      metrics: deps.metrics,
      pointers,
      read: { keys: new Set(expectedKeys), subjects: stored.subjects },
      ...(deps.inline ? { claimUntil: deps.inline.claimUntil } : {}),
    }),
    recordStages(deps.store, stageInputs, deps.now, {
      metrics: deps.metrics,
      claimUntil: deps.inline?.claimUntil,
    }),
  ]);
  const changed = new Map<string, ConversionSubject>([...changedCloses(results), ...createdStages(stages)]);
  // The receipts only once the closes are durable; the uploads need no receipt, so both go at once.
  await Promise.all([
    putReceipts(
      deps.store,
      SALESFORCE_RECEIPT_SOURCE,
      fresh.flatMap((report) => (report.receiptId ? [report.receiptId] : [])),
      deps.now(),
    ),
    deps.inline && changed.size > 0
      ? deps.inline.dispatch(changed, { request: stateRequest, state: stored })
      : undefined,
  ]);
  return {
    received,
    duplicates,
    ignored: webhook.otherObjects + (fresh.length - closes.length),
    results,
    stages,
  };
}
