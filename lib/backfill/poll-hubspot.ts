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
import { halveWindow, type PollWindow } from './windows';

/**
 * Finds HubSpot closes whose webhook never came: the deal search on `hs_lastmodifieddate` windows, page by
 * page with `after`, each page recorded through the webhook's own enrichment and mapping
 * (record-polled-deals.ts) before the next is read. HubSpot's search returns at most 10,000 results per
 * query (reference §4): a window whose `total` is over that is split in halves until each fits.
 */
export const HUBSPOT_SEARCH_RESULT_CAP = 10_000;
/** ~4 search requests a second per account (reference §4). */
export const HUBSPOT_SEARCH_INTERVAL_MS = 250;
/** A window is not split below this; one still over the cap is read up to the cap and reported. */
export const HUBSPOT_MIN_WINDOW_MS = 1000;

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
  const cap = options.resultCap ?? HUBSPOT_SEARCH_RESULT_CAP;
  const minWindowMs = options.minWindowMs ?? HUBSPOT_MIN_WINDOW_MS;
  const spacer = createRequestSpacer({
    intervalMs: options.searchIntervalMs ?? HUBSPOT_SEARCH_INTERVAL_MS,
    now: options.now,
    sleep: options.sleep ?? defaultSleep,
  });
  const properties = dealProperties(options.leadIdProperty);

  const pollWindow = async (window: PollWindow): Promise<WindowOutcome> => {
    let after: string | undefined;
    let read = 0;
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
      countRecorded(summary, recorded.results, options.recordedCloseKeys);
      read += page.deals.length;
      summary.requests = options.requests();
      if (page.after === undefined || read >= cap) return { kind: 'done' };
      after = page.after;
    }
  };

  const result = await pollCrmWindows(summary, options, pollWindow);
  result.requests = options.requests();
  return result;
}
