import type { HubspotClient } from '../crm/hubspot/client';
import { HUBSPOT_SEARCH_LIMIT } from '../crm/hubspot/client';
import { dealProperties } from '../crm/hubspot/map-deal';
import { recordPolledHubspotDeals } from '../crm/hubspot/record-polled-deals';
import {
  type CrmPollSummary,
  countRecorded,
  emptyPollSummary,
  MIN_POLL_STEP_MS,
  type PollContext,
  pollCrmWindows,
  type WindowOutcome,
} from './poll-crm';
import { createRequestSpacer } from './request-spacing';
import { resumeDeferredHubspotDeals } from './resume-deferred-deals';
import { halveWindow, type PollWindow } from './windows';

/**
 * Finds HubSpot closes whose webhook never came: the deal search on `hs_lastmodifieddate` windows, page by
 * page with `after`, each page recorded through the webhook's own enrichment and mapping
 * (record-polled-deals.ts) before the next is read. HubSpot's search returns at most 10,000 results per
 * query (reference §4): a window whose `total` is over that is split in halves until each fits. Before
 * searching, the deals webhooks deferred during an API outage are read and recorded
 * (resume-deferred-deals.ts).
 */
export const HUBSPOT_SEARCH_RESULT_CAP = 10_000;
/** ~4 search requests a second per account (reference §4). */
export const HUBSPOT_SEARCH_INTERVAL_MS = 250;
/** A window is not split below this; one still over the cap is read up to the cap and reported. */
export const HUBSPOT_MIN_WINDOW_MS = 1000;
/**
 * `after` is an offset: a deal of the window that changes (or is deleted) while the window is paged leaves
 * it, and the deal after the page boundary slides onto a page already read. Such a window is read again,
 * up to this many times (recording is idempotent); a window that keeps changing is accepted and logged.
 */
export const HUBSPOT_MAX_WINDOW_READS = 3;

export type HubspotPollOptions = PollContext & {
  client: HubspotClient;
  leadIdProperty: string;
  defaultCurrency: string;
  closureReasonMap: Readonly<Record<string, string>>;
  /** Counts the CRM API requests made (the client's fetch). */
  requests: () => number;
  resultCap?: number;
  searchIntervalMs?: number;
  minWindowMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function pollHubspot(options: HubspotPollOptions): Promise<CrmPollSummary> {
  const summary = emptyPollSummary('hubspot');
  const seen = new Set<string>();
  const cap = options.resultCap ?? HUBSPOT_SEARCH_RESULT_CAP;
  const minWindowMs = options.minWindowMs ?? HUBSPOT_MIN_WINDOW_MS;
  const spacer = createRequestSpacer({
    intervalMs: options.searchIntervalMs ?? HUBSPOT_SEARCH_INTERVAL_MS,
    now: options.now,
    sleep: options.sleep ?? defaultSleep,
  });
  const properties = dealProperties(options.leadIdProperty);
  const reads = new Map<string, number>();

  const pollWindow = async (window: PollWindow): Promise<WindowOutcome> => {
    const windowKey = `${window.since}-${window.until}`;
    const reading = (reads.get(windowKey) ?? 0) + 1;
    reads.set(windowKey, reading);
    let after: string | undefined;
    let read = 0;
    let lastTotal: number | undefined;
    let shrank = false;
    for (;;) {
      if (options.deadline - options.now() < MIN_POLL_STEP_MS) return { kind: 'deadline' };
      await spacer.wait();
      const page = await options.client.searchDealsModifiedBetween({
        since: window.since,
        until: window.until,
        properties,
        limit: HUBSPOT_SEARCH_LIMIT,
        deadline: options.deadline,
        ...(after === undefined ? {} : { after }),
      });
      if (after === undefined && page.total > cap) {
        const halves = halveWindow(window, minWindowMs);
        if (halves) return { kind: 'split', windows: halves };
        summary.truncated = (summary.truncated ?? 0) + (page.total - cap);
        options.logger.warn(
          'a HubSpot search window stays over the result cap at its narrowest; read up to the cap',
          {
            since: new Date(window.since).toISOString(),
            total: page.total,
            cap,
          },
        );
      }
      const recorded = await recordPolledHubspotDeals(page.deals, {
        store: options.store,
        client: options.client,
        leadIdProperty: options.leadIdProperty,
        defaultCurrency: options.defaultCurrency,
        closureReasonMap: options.closureReasonMap,
        now: options.now,
        logger: options.logger,
        apiDeadline: options.deadline,
        ...(options.metrics ? { metrics: options.metrics } : {}),
      });
      countRecorded(summary, recorded.results, options.recordedCloseKeys, seen);
      read += page.deals.length;
      summary.requests = options.requests();
      if (lastTotal !== undefined && page.total < lastTotal) shrank = true;
      lastTotal = page.total;
      if (page.after === undefined || read >= cap) {
        if (!shrank) return { kind: 'done' };
        if (reading < HUBSPOT_MAX_WINDOW_READS) return { kind: 'split', windows: [window] };
        options.logger.warn('a HubSpot search window kept changing while it was paged; accepted as read', {
          since: new Date(window.since).toISOString(),
          reads: reading,
        });
        return { kind: 'done' };
      }
      after = page.after;
    }
  };

  // Deals a webhook could not read (HubSpot's API was down) come first: they are known closes' news.
  summary.deferred = await resumeDeferredHubspotDeals(options);
  summary.requests = options.requests();
  const result = await pollCrmWindows(summary, options, pollWindow);
  result.requests = options.requests();
  if (result.deferred?.stoppedBy !== undefined && result.status === 'done') result.status = 'partial';
  return result;
}
