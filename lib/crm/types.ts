import type * as v from 'valibot';
import type { CrmPoller } from '../backfill/poll-crm';
import type { CloseDecision, CrmName } from '../domain';
import type { HttpRoute } from '../http/match-route';
import type { HttpResult } from '../http/request';
import type { MetricsRecorder } from '../observability/metrics';
import type { InlineHandoff } from '../pipeline/inline-dispatch';
import type { RecordCloseResult } from '../pipeline/record-close';
import type { RecordStageResult } from '../pipeline/record-stages';
import type { SettingsSlice } from '../settings';
import type { Store } from '../store/store';

/**
 * The CRM contract: all the rest of the connector knows of one CRM. A CRM is one folder under lib/crm/
 * (its settings, webhook, intake, client and poller) exporting a `CrmSource`; lib/crm/registry.ts lists
 * them, and the configuration, the backfill, the HTTP routes, the local server and the status report loop
 * over that list. A webhook call goes verify → parse → record (which maps each deal with `mapToClose`);
 * the backfill's poller reads the CRM's API and records what it finds through the same intake.
 */
export type CrmSource<T extends CrmTypes = CrmTypes> = {
  /** Its name in records: closes' `crm`, deal pointers, checkpoints, deferred work, the metrics' `crm`. */
  name: CrmName;
  /** As the ad platforms' lead-source fields show it (Meta and TikTok `lead_event_source`, GA4 `lead_source`). */
  displayName: string;
  /** The source its webhook receipts are kept under: a redelivered notification is recognised by it. */
  receiptSource: string;
  /** Its settings (settings.ts): the variables it reads, and its part of the configuration, `config[key]`. */
  settings: SettingsSlice<string, v.ObjectEntries, T['settings']>;
  /** Its webhook's routes, each served by its own Lambda function (functions/<functionName>.ts). */
  routes: readonly HttpRoute[];
  /** Intakes fed by an event bus instead of a route, each its own function, deployed on demand. */
  eventIntakes?: readonly CrmEventIntake[];
  webhook: CrmWebhook<T>;
  /**
   * How its webhook's Lambda function answers, when functions/crm-webhook.ts serves it (serverless.yml:
   * `handler: functions/crm-webhook.handler` with `CRM_NAME`). A CRM that needs more than this per call
   * (HubSpot's API client kept for the container's life) has its own functions/<functionName>.ts instead.
   */
  lambda?: CrmWebhookLambda<T>;
  /** One deal, as the webhook or the API showed it, to the close it is now (pure). */
  mapToClose(deal: T['deal'], context: T['mappingContext']): CloseDecision;
  /** The backfill's polling for closes whose webhook never came, deferred work first. */
  poller?: CrmPoller<T['settings']>;
};

/**
 * An intake without a public endpoint: a Lambda function (functions/<functionName>.ts) triggered by an
 * EventBridge rule on an event bus the CRM writes to (Salesforce Event Relay's partner event bus). It is
 * deployed only when serverless.yml's `busParameter` names the bus; empty, the default, leaves it out.
 */
export type CrmEventIntake = {
  functionName: string;
  /** The deploy parameter (`--param="<name>=<bus name>"`) naming the bus the rule listens on. */
  busParameter: string;
  /** The rule's event pattern: which of the bus's events reach the function. */
  eventPattern: Readonly<Record<string, unknown>>;
  /** The source its receipts are kept under: an event delivered again is recognised by it. */
  receiptSource: string;
};

/** The types one CRM's members are written in. */
export type CrmTypes = {
  settings: unknown;
  /** A verified, validated webhook call. */
  webhook: unknown;
  /** What recording it needs: the store, the clock, the logger, and the CRM's own (its client…). */
  recordDeps: unknown;
  /** One deal (Opportunity…) with what the mapping needs to know of it. */
  deal: unknown;
  mappingContext: unknown;
};

/** What functions/crm-webhook.ts gives a CRM to build its `record` dependencies from, per call. */
export type CrmCallContext<TSettings> = {
  settings: TSettings;
  store: Store;
  now: () => number;
  fetch: typeof fetch;
  logger: {
    info(message: string, extra: Record<string, unknown>): void;
    warn(message: string, extra: Record<string, unknown>): void;
  };
  metrics: MetricsRecorder;
  defaultCurrency: string;
  closureReasonMap: Readonly<Record<string, string>>;
  /** Hands what `record` made durable to the destinations within the call's budget. */
  inline: InlineHandoff;
  /** When the call began (ms): the CRM's own deadlines count from here. */
  startedAt: number;
};

/** A CRM webhook's Lambda function, as functions/crm-webhook.ts runs it: verify → parse → record → answer. */
export type CrmWebhookLambda<T extends CrmTypes = CrmTypes> = {
  /** How long the CRM waits for the answer (ms); the inline dispatch ends a second before. */
  answerWindowMs: number;
  recordDeps(context: CrmCallContext<T['settings']>): T['recordDeps'];
  /** The answer once every close is durable (the CRM's acknowledgement format). */
  answer(webhook: T['webhook'], summary: CrmIntakeSummary): HttpResult;
};

/** A webhook call as a CRM's verification and parsing read it. */
export type WebhookRequest = {
  method: string;
  /** The URI the caller used: scheme, host, path and query (HubSpot signs it). */
  uri: string;
  header(name: string): string | undefined;
  pathParameter(name: string): string | undefined;
  /** The body as sent, checked against the CRM's size limit when first read (PayloadTooLargeError). */
  body(): string;
};

/** What recording one webhook call came to; a CRM may say more (HubSpot: deals deferred). */
export type CrmIntakeSummary = {
  received: number;
  duplicates: number;
  ignored: number;
  results: RecordCloseResult[];
  /** Funnel stages the call reported (`created`: new, dispatched; else already recorded). */
  stages?: RecordStageResult[];
};

export type CrmWebhook<T extends CrmTypes = CrmTypes> = {
  /** The largest body it takes (the CRM's own batches stay far below). */
  maxBodyBytes: number;
  /**
   * Who may call, checked before any of the body is interpreted: AuthenticationError (401) when the webhook
   * is not configured or the signature or token is wrong. Answers what the log may say of the check.
   */
  verify(request: WebhookRequest, settings: T['settings'], now: number): Readonly<Record<string, string>>;
  /** What the call says: PayloadValidationError (400) naming each bad field; ForbiddenError (403) for another org. */
  parse(request: WebhookRequest, settings: T['settings']): T['webhook'];
  /** Records every close the call reports, then its receipts (lib/crm/intake.ts's durability order). */
  record(webhook: T['webhook'], deps: T['recordDeps']): Promise<CrmIntakeSummary>;
};
