import { changedCloseKeys } from '../lib/crm/intake';
import { CRM_SOURCES } from '../lib/crm/registry';
import type { CrmSource } from '../lib/crm/types';
import { webhookRequest } from '../lib/crm/webhook-request';
import { AuthenticationError } from '../lib/errors';
import { httpHandler, type RuntimeSource } from './middleware';
import { getDefaultRuntime } from './runtime';

/** The share of the CRM's answer window left for the answer itself once the dispatch has stopped. */
const ANSWER_MARGIN_MS = 1000;

/**
 * `POST <a CRM's route>` for any CRM that declares `lambda` (lib/crm/types.ts): verify, parse the whole
 * body, record every close it reports (handed to the destinations as each is durable), then the CRM's own
 * answer. A new CRM needs no function file of its own: serverless.yml points its function here and names
 * it in `CRM_NAME`.
 */
export function createCrmWebhookHandler(crm: CrmSource, source: RuntimeSource) {
  const lambda = crm.lambda;
  if (!lambda) throw new Error(`the ${crm.name} CRM declares no webhook function (CrmSource.lambda)`);
  return httpHandler(source, async (event, runtime, context) => {
    const startedAt = runtime.now();
    const settings = (runtime.config as unknown as Readonly<Record<string, unknown>>)[crm.settings.key];
    if (settings === undefined) throw new AuthenticationError(`the ${crm.name} webhook is not configured`);
    const request = webhookRequest(event, {
      maxBodyBytes: crm.webhook.maxBodyBytes,
      publicBaseUrl: runtime.config.publicBaseUrl,
    });
    const verified = crm.webhook.verify(request, settings, startedAt);
    const webhook = crm.webhook.parse(request, settings);
    const inline = runtime.inlineHandoff({
      remainingMs: context.getRemainingTimeInMillis(),
      answerBy: startedAt + lambda.answerWindowMs - ANSWER_MARGIN_MS,
    });
    const summary = await crm.webhook.record(
      webhook,
      lambda.recordDeps({
        settings,
        store: runtime.store,
        now: runtime.now,
        fetch: runtime.fetch,
        logger: runtime.logger,
        metrics: runtime.metrics,
        defaultCurrency: runtime.config.defaultCurrency,
        closureReasonMap: runtime.config.closureReasonMap,
        inline,
        startedAt,
      }),
    );
    runtime.logger.info('crm webhook processed', {
      crm: crm.name,
      ...verified,
      received: summary.received,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
      recorded: changedCloseKeys(summary.results).length,
    });
    return lambda.answer(webhook, summary);
  });
}

/** The CRM a function serves: `CRM_NAME`, which serverless.yml sets on each function pointed here. */
export function crmNamed(name: string | undefined): CrmSource {
  const crm = CRM_SOURCES.find((source) => source.name === name && source.lambda);
  if (!crm) throw new Error(`CRM_NAME names no registered CRM with a webhook function: ${name ?? '(unset)'}`);
  return crm;
}

let deployed: ReturnType<typeof createCrmWebhookHandler> | undefined;

export const handler: ReturnType<typeof createCrmWebhookHandler> = ((event, context) => {
  deployed ??= createCrmWebhookHandler(crmNamed(process.env.CRM_NAME), getDefaultRuntime);
  return deployed(event, context);
}) as ReturnType<typeof createCrmWebhookHandler>;
