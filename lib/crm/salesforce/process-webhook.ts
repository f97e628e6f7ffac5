import type { CloseDecision } from '../../domain';
import type { MetricsRecorder } from '../../observability/metrics';
import type { Store } from '../../store/store';
import { type IntakeLogger, putReceipts, recordCloses } from '../intake';
import type { CrmIntakeSummary } from '../types';
import type { SalesforceWebhook } from './flow-payload';
import { mapSalesforceOpportunity } from './map-opportunity';

/**
 * A verified, validated Salesforce webhook → recorded closes: drop notifications already received, decide
 * per Opportunity (a re-opened one is found through its deal pointer), record, then write the receipts.
 */
export const SALESFORCE_RECEIPT_SOURCE = 'salesforce';

export type SalesforceIntakeDeps = {
  store: Store;
  leadIdField: string;
  lossReasonField: string;
  defaultCurrency: string;
  closureReasonMap: Readonly<Record<string, string>>;
  now: () => number;
  logger: IntakeLogger;
  /** Counts ClosesRecorded by CRM when given. */
  metrics?: MetricsRecorder;
};

export async function processSalesforceWebhook(
  webhook: SalesforceWebhook,
  deps: SalesforceIntakeDeps,
): Promise<CrmIntakeSummary> {
  const received = webhook.reports.length + webhook.otherObjects;
  const receiptIds = webhook.reports.flatMap((report) => (report.receiptId ? [report.receiptId] : []));
  const seen =
    receiptIds.length > 0
      ? await deps.store.getReceipts(SALESFORCE_RECEIPT_SOURCE, receiptIds)
      : new Set<string>();
  const fresh = webhook.reports.filter((report) => !report.receiptId || !seen.has(report.receiptId));
  const duplicates = webhook.reports.length - fresh.length;
  if (fresh.length === 0) return { received, duplicates, ignored: webhook.otherObjects, results: [] };
  const pointers = await deps.store.getDealPointers(
    'salesforce',
    fresh.map((report) => report.opportunity.Id),
  );
  const now = deps.now();
  const decisions: CloseDecision[] = fresh.map((report) =>
    mapSalesforceOpportunity(
      { ...report, pointerCloseKey: pointers.get(report.opportunity.Id) },
      { ...deps, now },
    ),
  );
  const unclassified = decisions.filter(
    (decision) => decision.action === 'ignore' && decision.reason === 'unclassified_stage',
  ).length;
  if (unclassified > 0) {
    deps.logger.warn('opportunities without IsWon / IsClosed were ignored: add both fields to the message', {
      opportunities: unclassified,
    });
  }
  const closes = decisions.flatMap((decision) => (decision.action === 'record' ? [decision.close] : []));
  const results = await recordCloses(deps.store, closes, deps.now, deps);
  await putReceipts(
    deps.store,
    SALESFORCE_RECEIPT_SOURCE,
    fresh.flatMap((report) => (report.receiptId ? [report.receiptId] : [])),
    deps.now(),
  );
  return {
    received,
    duplicates,
    ignored: webhook.otherObjects + (fresh.length - closes.length),
    results,
  };
}
