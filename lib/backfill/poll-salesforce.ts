import type { SalesforceClient, SoqlPage } from '../crm/salesforce/client';
import { closedOpportunitiesSoql } from '../crm/salesforce/client';
import { recordPolledOpportunities } from '../crm/salesforce/record-polled-opportunities';
import {
  type CrmPollSummary,
  countRecorded,
  emptyPollSummary,
  MIN_POLL_STEP_MS,
  type PollContext,
  pollCrmWindows,
  type WindowOutcome,
} from './poll-crm';
import type { PollWindow } from './windows';

/**
 * Finds Salesforce closes whose Outbound Message never came: SOQL on `SystemModstamp` windows (closed
 * Opportunities, oldest change first), following `nextRecordsUrl` until `done`, each page recorded through
 * the webhook's own intake before the next is read. A spent API limit (403 REQUEST_LIMIT_EXCEEDED) is a
 * retryable stop, like a 429: the checkpoint stays and the next run resumes.
 */
export type SalesforcePollOptions = PollContext & {
  client: SalesforceClient;
  leadIdField: string;
  lossReasonField: string;
  defaultCurrency: string;
  closureReasonMap: Readonly<Record<string, string>>;
  requests: () => number;
};

export async function pollSalesforce(options: SalesforcePollOptions): Promise<CrmPollSummary> {
  const summary = emptyPollSummary('salesforce');
  const seen = new Set<string>();

  const pollWindow = async (window: PollWindow): Promise<WindowOutcome> => {
    const soql = closedOpportunitiesSoql({
      since: window.since,
      until: window.until,
      leadIdField: options.leadIdField,
      lossReasonField: options.lossReasonField,
    });
    let page: SoqlPage | undefined;
    for (;;) {
      if (options.deadline - options.now() < MIN_POLL_STEP_MS) return { kind: 'deadline' };
      const next: SoqlPage =
        page === undefined
          ? await options.client.query(soql, { deadline: options.deadline })
          : await options.client.queryMore(page.nextRecordsUrl as string, { deadline: options.deadline });
      page = next;
      const recorded = await recordPolledOpportunities(page.records, {
        store: options.store,
        leadIdField: options.leadIdField,
        lossReasonField: options.lossReasonField,
        defaultCurrency: options.defaultCurrency,
        closureReasonMap: options.closureReasonMap,
        now: options.now,
        logger: options.logger,
        ...(options.metrics ? { metrics: options.metrics } : {}),
      });
      countRecorded(summary, recorded.results, options.recordedCloseKeys, seen);
      summary.requests = options.requests();
      if (page.done || !page.nextRecordsUrl) return { kind: 'done' };
    }
  };

  const result = await pollCrmWindows(summary, options, pollWindow);
  result.requests = options.requests();
  return result;
}
