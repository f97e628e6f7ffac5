import { CRM_SOURCES } from '../lib/crm/registry';
import type { DealPointer, DeferredDealRecord } from '../lib/domain';
import type { ReportDelivery, ReportLead, ReportSubject } from '../lib/store/report';
import type { Store } from '../lib/store/store';
import type { CheckpointStatus } from './status-report';

/**
 * What the reports read from the table — `npm run status` and the dashboard's overview alike: one Scan for
 * the deliveries, deal pointers, subjects and leads (counting attributes only, lib/store/report.ts), each
 * polled CRM's checkpoint, and the deferred deals still in their index.
 */
export type StatusData = {
  deliveries: ReportDelivery[];
  dealPointers: DealPointer[];
  subjects: ReportSubject[];
  leads: ReportLead[];
  checkpoints: CheckpointStatus[];
  deferredDeals: DeferredDealRecord[];
};

export async function readStatusData(store: Store): Promise<StatusData> {
  const data: StatusData = {
    deliveries: [],
    dealPointers: [],
    subjects: [],
    leads: [],
    checkpoints: [],
    deferredDeals: [],
  };
  const scan = (async () => {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await store.scanReport(cursor);
      data.deliveries.push(...page.deliveries);
      data.dealPointers.push(...page.dealPointers);
      data.subjects.push(...page.subjects);
      data.leads.push(...page.leads);
      cursor = page.cursor;
    } while (cursor);
  })();
  const [intake] = await Promise.all([readIntakeStatus(store), scan]);
  data.checkpoints = intake.checkpoints;
  data.deferredDeals = intake.deferredDeals;
  return data;
}

/** The CRM side alone, without the Scan: each polled CRM's checkpoint and the deferred deals' partition. */
export async function readIntakeStatus(
  store: Store,
): Promise<Pick<StatusData, 'checkpoints' | 'deferredDeals'>> {
  const polled = CRM_SOURCES.filter((crm) => crm.poller);
  const [checkpoints, deferred] = await Promise.all([
    Promise.all(
      polled.map(async ({ name: crm }): Promise<CheckpointStatus> => {
        const checkpoint = await store.getCheckpoint(crm);
        return checkpoint ? { crm, until: checkpoint.until, updatedAt: checkpoint.updatedAt } : { crm };
      }),
    ),
    // Every deferred deal still in the index, whenever it is due (normally none, or a few hundred).
    store.queryDeferredDeals({ now: Number.MAX_SAFE_INTEGER, limit: 1000 }),
  ]);
  return { checkpoints, deferredDeals: deferred.deals };
}
