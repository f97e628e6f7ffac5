import type { SalesforceClient, SoqlPage } from '../crm/salesforce/client';
import { closedOpportunitiesSoql } from '../crm/salesforce/client';
import { recordPolledOpportunities } from '../crm/salesforce/record-polled-opportunities';
import { ConnectorError } from '../errors';
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

/**
 * Salesforce's answer to a field the org does not have (`CurrencyIsoCode` outside multi-currency orgs).
 */
function isInvalidField(error: unknown): boolean {
  const cause = (error as { cause?: { status?: number; code?: string } })?.cause;
  return error instanceof ConnectorError && cause?.status === 400 && cause.code === 'INVALID_FIELD';
}

export async function pollSalesforce(options: SalesforcePollOptions): Promise<CrmPollSummary> {
  const summary = emptyPollSummary('salesforce');
  const seen = new Set<string>();
  // A multi-currency org's webhooks carry CurrencyIsoCode; a poll without it would record the default
  // currency and turn every close it finds again into a re-valued version. It is asked for first, and left
  // out for the rest of the run once Salesforce says the org has no such field.
  let multiCurrency = true;
  const firstPage = async (window: PollWindow): Promise<SoqlPage> => {
    const query = () =>
      options.client.query(
        closedOpportunitiesSoql({
          since: window.since,
          until: window.until,
          leadIdField: options.leadIdField,
          lossReasonField: options.lossReasonField,
          multiCurrency,
        }),
        { deadline: options.deadline },
      );
    try {
      return await query();
    } catch (error) {
      if (!multiCurrency || !isInvalidField(error)) throw error;
      multiCurrency = false;
      return query();
    }
  };

  const pollWindow = async (window: PollWindow): Promise<WindowOutcome> => {
    let page: SoqlPage | undefined;
    for (;;) {
      if (options.deadline - options.now() < MIN_POLL_STEP_MS) return { kind: 'deadline' };
      const next: SoqlPage =
        page === undefined
          ? await firstPage(window)
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
