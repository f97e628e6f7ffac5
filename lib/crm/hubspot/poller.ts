import {
  type CrmPoller,
  type CrmPollRun,
  MIN_POLL_STEP_MS,
  type WindowOutcome,
} from '../../backfill/poll-crm';
import { createRequestSpacer } from '../../backfill/request-spacing';
import { halveWindow, type PollWindow } from '../../backfill/windows';
import { createHubspotClient, HUBSPOT_SEARCH_LIMIT, type HubspotClient } from './client';
import { dealProperties } from './map-deal';
import { dealStageProperties } from './map-deal-stages';
import { recordPolledHubspotDeals } from './record-polled-deals';
import { resumeDeferredHubspotDeals } from './resume-deferred-deals';
import type { HubspotConfig } from './settings';

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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One run's reader of search windows: the result cap, request spacing and re-reads are per run. */
function hubspotWindowReader(
  client: HubspotClient,
  run: CrmPollRun<HubspotConfig>,
): (window: PollWindow) => Promise<WindowOutcome> {
  const { summary } = run;
  const { leadIdProperty } = run.settings;
  const cap = run.tuning?.resultCap ?? HUBSPOT_SEARCH_RESULT_CAP;
  const minWindowMs = run.tuning?.minWindowMs ?? HUBSPOT_MIN_WINDOW_MS;
  const spacer = createRequestSpacer({
    intervalMs: run.tuning?.searchIntervalMs ?? HUBSPOT_SEARCH_INTERVAL_MS,
    now: run.now,
    sleep: run.sleep ?? defaultSleep,
  });
  const properties = [...dealProperties(leadIdProperty), ...dealStageProperties(run.stages)];
  const reads = new Map<string, number>();

  return async (window) => {
    const windowKey = `${window.since}-${window.until}`;
    const reading = (reads.get(windowKey) ?? 0) + 1;
    reads.set(windowKey, reading);
    let after: string | undefined;
    let read = 0;
    let lastTotal: number | undefined;
    let shrank = false;
    for (;;) {
      if (run.deadline - run.now() < MIN_POLL_STEP_MS) return { kind: 'deadline' };
      await spacer.wait();
      const page = await client.searchDealsModifiedBetween({
        since: window.since,
        until: window.until,
        properties,
        limit: HUBSPOT_SEARCH_LIMIT,
        deadline: run.deadline,
        ...(after === undefined ? {} : { after }),
      });
      if (after === undefined && page.total > cap) {
        const halves = halveWindow(window, minWindowMs);
        if (halves) return { kind: 'split', windows: halves };
        summary.truncated = (summary.truncated ?? 0) + (page.total - cap);
        run.logger.warn(
          'a HubSpot search window stays over the result cap at its narrowest; read up to the cap',
          {
            since: new Date(window.since).toISOString(),
            total: page.total,
            cap,
          },
        );
      }
      const recorded = await recordPolledHubspotDeals(page.deals, {
        store: run.store,
        client,
        leadIdProperty,
        defaultCurrency: run.defaultCurrency,
        defaultPhoneCountry: run.defaultPhoneCountry,
        closureReasonMap: run.closureReasonMap,
        stages: run.stages,
        now: run.now,
        logger: run.logger,
        apiDeadline: run.deadline,
        ...(run.metrics ? { metrics: run.metrics } : {}),
      });
      run.countRecorded(recorded.results);
      // New stages are this run's to deliver, as its closes are (not left to a webhook's inline dispatch).
      for (const stage of recorded.stages) if (stage.created) run.recordedCloseKeys.add(stage.subjectKey);
      read += page.deals.length;
      summary.requests = run.requests();
      if (lastTotal !== undefined && page.total < lastTotal) shrank = true;
      lastTotal = page.total;
      if (page.after === undefined || read >= cap) {
        if (!shrank) return { kind: 'done' };
        if (reading < HUBSPOT_MAX_WINDOW_READS) return { kind: 'split', windows: [window] };
        run.logger.warn('a HubSpot search window kept changing while it was paged; accepted as read', {
          since: new Date(window.since).toISOString(),
          reads: reading,
        });
        return { kind: 'done' };
      }
      after = page.after;
    }
  };
}

export const hubspotPoller: CrmPoller<HubspotConfig, HubspotClient> = {
  missingSettings: (settings) => (settings.accessToken ? [] : ['HUBSPOT_ACCESS_TOKEN']),
  connect: (settings, api) =>
    createHubspotClient({
      baseUrl: settings.apiBaseUrl,
      accessToken: settings.accessToken as string,
      apiVersion: settings.apiVersion,
      primaryContactLabel: settings.primaryContactLabel,
      fetch: api.fetch,
      now: api.now,
      ...(api.sleep ? { sleep: api.sleep } : {}),
    }),
  // Deals a webhook could not read (HubSpot's API was down) come first: they are known closes' news.
  resumeDeferred: (client, run) =>
    resumeDeferredHubspotDeals({
      ...run,
      client,
      leadIdProperty: run.settings.leadIdProperty,
      defaultCurrency: run.defaultCurrency,
      defaultPhoneCountry: run.defaultPhoneCountry,
      closureReasonMap: run.closureReasonMap,
      stages: run.stages,
    }),
  windowReader: hubspotWindowReader,
};
