import { changedCloseKeys } from '../lib/crm/intake';
import { parseOpportunityChangeEvent } from '../lib/crm/salesforce/change-event';
import { recordOpportunityChange } from '../lib/crm/salesforce/record-change-event';
import { type FieldIssue, PayloadValidationError } from '../lib/errors';
import { type RuntimeSource, taskHandler } from './middleware';
import { getDefaultRuntime } from './runtime';

/**
 * Salesforce Change Data Capture through Event Relay (no public endpoint): an `OpportunityChangeEvent` from
 * the EventBridge partner event bus serverless.yml's `salesforceEventBusName` names. Validated, recorded
 * through the Salesforce intake (de-duplicated on its replay ID), then handed to the destinations within the
 * invocation's time. A bad event is refused with its fields named and not thrown: EventBridge would only
 * deliver it again.
 */
export type ChangeEventResult =
  | { ok: true; received: number; recorded: number; duplicates: number; ignored: number }
  | { ok: false; error: string; issues: FieldIssue[] };

export function createSalesforceCdcHandler(source: RuntimeSource) {
  return taskHandler<unknown, ChangeEventResult>(source, async (event, runtime, context) => {
    let change: ReturnType<typeof parseOpportunityChangeEvent>;
    try {
      change = parseOpportunityChangeEvent(event);
    } catch (error) {
      if (!(error instanceof PayloadValidationError)) throw error;
      runtime.logger.warn('salesforce change event refused', { issues: error.issues });
      return { ok: false, error: 'invalid OpportunityChangeEvent', issues: error.issues };
    }
    const settings = runtime.config.salesforce;
    const summary = await recordOpportunityChange(change, {
      store: runtime.store,
      orgId: settings.orgId,
      leadIdField: settings.leadIdField,
      lossReasonField: settings.lossReasonField,
      defaultCurrency: runtime.config.defaultCurrency,
      defaultPhoneCountry: runtime.config.defaultPhoneCountry,
      closureReasonMap: runtime.config.closureReasonMap,
      stages: runtime.config.conversionStages,
      now: runtime.now,
      logger: runtime.logger,
      metrics: runtime.metrics,
    });
    const closeKeys = changedCloseKeys(summary.results);
    await runtime.dispatchInline(closeKeys, { remainingMs: context.getRemainingTimeInMillis() });
    const result = {
      received: summary.received,
      recorded: closeKeys.length,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
    };
    runtime.logger.info('salesforce change event processed', { changeType: summary.changeType, ...result });
    return { ok: true, ...result };
  });
}

export const handler = createSalesforceCdcHandler(getDefaultRuntime);
