import {
  type CrmPoller,
  type CrmPollRun,
  MIN_POLL_STEP_MS,
  type WindowOutcome,
} from '../../backfill/poll-crm';
import type { PollWindow } from '../../backfill/windows';
import { ConnectorError } from '../../errors';
import {
  changedOpportunitiesSoql,
  createSalesforceClient,
  type SalesforceClient,
  type SoqlPage,
} from './client';
import { createPrimaryContactReader } from './primary-contacts';
import { recordPolledOpportunities } from './record-polled-opportunities';
import type { SalesforceConfig } from './settings';

/**
 * Salesforce's answer to a field the org does not have (`CurrencyIsoCode` outside multi-currency orgs).
 */
function isInvalidField(error: unknown): boolean {
  const cause = (error as { cause?: { status?: number; code?: string } })?.cause;
  return error instanceof ConnectorError && cause?.status === 400 && cause.code === 'INVALID_FIELD';
}

/** One run's reader of SOQL windows: whether the org is multi-currency is learnt once per run. */
function salesforceWindowReader(
  client: SalesforceClient,
  run: CrmPollRun<SalesforceConfig>,
): (window: PollWindow) => Promise<WindowOutcome> {
  const { leadIdField, lossReasonField } = run.settings;
  // A multi-currency org's webhooks carry CurrencyIsoCode; a poll without it would record the default
  // currency and turn every close it finds again into a re-valued version. It is asked for first, and left
  // out for the rest of the run once Salesforce says the org has no such field.
  let multiCurrency = true;
  const primaryContacts = createPrimaryContactReader(client, { deadline: run.deadline });
  const firstPage = async (window: PollWindow): Promise<SoqlPage> => {
    const query = () =>
      client.query(
        changedOpportunitiesSoql({
          since: window.since,
          until: window.until,
          leadIdField,
          lossReasonField,
          multiCurrency,
        }),
        { deadline: run.deadline },
      );
    try {
      return await query();
    } catch (error) {
      if (!multiCurrency || !isInvalidField(error)) throw error;
      multiCurrency = false;
      return query();
    }
  };

  return async (window) => {
    let page: SoqlPage | undefined;
    for (;;) {
      if (run.deadline - run.now() < MIN_POLL_STEP_MS) return { kind: 'deadline' };
      const next: SoqlPage =
        page === undefined
          ? await firstPage(window)
          : await client.queryMore(page.nextRecordsUrl as string, { deadline: run.deadline });
      page = next;
      const recorded = await recordPolledOpportunities(page.records, {
        store: run.store,
        leadIdField,
        lossReasonField,
        defaultCurrency: run.defaultCurrency,
        defaultPhoneCountry: run.defaultPhoneCountry,
        closureReasonMap: run.closureReasonMap,
        stages: run.stages,
        now: run.now,
        logger: run.logger,
        ...(run.metrics ? { metrics: run.metrics } : {}),
        primaryContacts,
      });
      run.countRecorded(recorded.results);
      // New stages are this run's to deliver, as its closes are.
      for (const stage of recorded.stages ?? [])
        if (stage.created) run.recordedCloseKeys.add(stage.subjectKey);
      run.summary.requests = run.requests();
      if (page.done || !page.nextRecordsUrl) return { kind: 'done' };
    }
  };
}

/**
 * Finds Salesforce closes whose Outbound Message never came: SOQL on `SystemModstamp` windows (every changed
 * Opportunity, open ones too, so a re-opened one is found; oldest change first), following `nextRecordsUrl` until `done`, each page recorded through
 * the webhook's own intake before the next is read. A spent API limit (403 REQUEST_LIMIT_EXCEEDED) is a
 * retryable stop, like a 429: the checkpoint stays and the next run resumes.
 */
export const salesforcePoller: CrmPoller<SalesforceConfig, SalesforceClient> = {
  missingSettings: (settings) =>
    [
      settings.instanceUrl ? undefined : 'SALESFORCE_INSTANCE_URL',
      settings.accessToken ? undefined : 'SALESFORCE_ACCESS_TOKEN',
    ].filter((name): name is string => name !== undefined),
  connect: (settings, api) =>
    createSalesforceClient({
      instanceUrl: settings.instanceUrl as string,
      accessToken: settings.accessToken as string,
      apiVersion: settings.apiVersion,
      fetch: api.fetch,
      now: api.now,
      ...(api.sleep ? { sleep: api.sleep } : {}),
    }),
  windowReader: salesforceWindowReader,
};
