import { mapWithConcurrency } from '../../concurrency';
import {
  type CloseInput,
  deletedCloseInput,
  deletionApplies,
  restoreApplies,
  restoredCloseInput,
} from '../../domain';
import { putReceipts, recordCloses } from '../intake';
import type { CrmIntakeSummary } from '../types';
import { completeFromClose, type OpportunityChange } from './change-event';
import { processSalesforceWebhook, type SalesforceIntakeDeps } from './process-webhook';
import { sameSalesforceId } from './record-id';

/**
 * A Change Data Capture event of Opportunities (change-event.ts) → recorded closes, through the webhook's
 * own intake and mapping: receipts first (the event's replay ID within its channel: Event Relay delivers at
 * least once), a create or update recorded as the Opportunity now stands — fields the event lacks taken
 * from its recorded close — a deletion taking the close back as `deleted` (unsent deliveries cancelled, sent
 * ones retracted where the platform can), an undeletion putting it back; then the receipt.
 */
export const SALESFORCE_CDC_RECEIPT_SOURCE = 'salesforce-cdc';
const WRITE_CONCURRENCY = 10;

export type ChangeEventDeps = SalesforceIntakeDeps & {
  /** SALESFORCE_ORG_ID: when set, another org's events are set aside. */
  orgId: string | undefined;
};

export type ChangeEventSummary = CrmIntakeSummary & { changeType: string };

async function deleteOrRestore(change: OpportunityChange, deps: ChangeEventDeps) {
  const at = change.commitTimestamp;
  const deletion = change.changeType === 'DELETE' || change.changeType === 'GAP_DELETE';
  const pointers = await deps.store.getDealPointerRecords('salesforce', change.recordIds);
  const applying = change.recordIds.filter((id) =>
    deletion ? deletionApplies(pointers.get(id), at) : restoreApplies(pointers.get(id), at),
  );
  const keys = applying.flatMap((id) => pointers.get(id)?.subjectKey ?? []);
  const closes = await deps.store.getCloses(keys);
  const inputs: CloseInput[] = [];
  for (const key of new Set(keys)) {
    const close = closes.get(key);
    const input = close && (deletion ? deletedCloseInput(close, at) : restoredCloseInput(close, at));
    if (input) inputs.push(input);
  }
  const results = await recordCloses(deps.store, inputs, deps.now, deps);
  await mapWithConcurrency(
    applying.filter((id) => pointers.get(id)?.subjectKey !== undefined),
    WRITE_CONCURRENCY,
    (id) =>
      deps.store.putDealPointer(
        'salesforce',
        id,
        undefined,
        deletion ? { deletedAt: at } : { restoredAt: at },
      ),
  );
  return { results, ignored: change.recordIds.length - inputs.length };
}

async function recordChangedOpportunities(change: OpportunityChange, deps: ChangeEventDeps) {
  const ids = change.reports.map((report) => report.opportunity.Id);
  const pointers = await deps.store.getDealPointers('salesforce', ids);
  const closes = await deps.store.getCloses([...new Set(pointers.values())]);
  const reports = change.reports.map((report) => {
    const key = pointers.get(report.opportunity.Id);
    const close = key === undefined ? undefined : closes.get(key);
    return { ...report, opportunity: completeFromClose(report.opportunity, close, deps) };
  });
  const lacking = reports.filter(
    (report) => report.opportunity.Amount === undefined && report.opportunity.IsWon,
  );
  if (lacking.length > 0) {
    deps.logger.warn(
      'change events of won Opportunities carry no Amount: enrich the channel (docs/crm-setup.md)',
      {
        opportunities: lacking.length,
      },
    );
  }
  const summary = await processSalesforceWebhook(
    { organizationId: undefined, reports, otherObjects: 0 },
    deps,
  );
  return { results: summary.results, ignored: summary.ignored };
}

export async function recordOpportunityChange(
  change: OpportunityChange,
  deps: ChangeEventDeps,
): Promise<ChangeEventSummary> {
  const received = change.recordIds.length;
  const base = { received, changeType: change.changeType, duplicates: 0, results: [] };
  if (deps.orgId !== undefined && !sameSalesforceId(change.orgId, deps.orgId)) {
    deps.logger.warn('a change event of another org was set aside', { changeType: change.changeType });
    return { ...base, ignored: received };
  }
  const seen = await deps.store.getReceipts(SALESFORCE_CDC_RECEIPT_SOURCE, [change.receiptId]);
  if (seen.has(change.receiptId)) return { ...base, duplicates: received, ignored: 0 };
  let outcome: { results: CrmIntakeSummary['results']; ignored: number };
  if (['DELETE', 'GAP_DELETE', 'UNDELETE'].includes(change.changeType) && change.reports.length === 0) {
    outcome = await deleteOrRestore(change, deps);
  } else if (change.reports.length > 0) {
    // An undeletion carries the whole record: recorded as it stands, after the restore of its close.
    const restored = change.changeType === 'UNDELETE' ? await deleteOrRestore(change, deps) : undefined;
    const recorded = await recordChangedOpportunities(change, deps);
    outcome = { results: [...(restored?.results ?? []), ...recorded.results], ignored: recorded.ignored };
  } else {
    // GAP_* events say records changed without their fields: the backfill's polling reads them.
    deps.logger.warn('a change event without fields was set aside; polling reads the Opportunities', {
      changeType: change.changeType,
      opportunities: received,
    });
    outcome = { results: [], ignored: received };
  }
  await putReceipts(deps.store, SALESFORCE_CDC_RECEIPT_SOURCE, [change.receiptId], deps.now());
  return { ...base, ...outcome };
}
