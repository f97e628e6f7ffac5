import type { Config } from '../config';
import { CRM_SOURCES, crmSettings, type PolledCrmName } from '../crm/registry';
import type { DeliveryStatus } from '../domain';
import type { MetricsRecorder } from '../observability/metrics';
import { checkProcessingResults } from '../pipeline/check-processing';
import type { PipelineContext } from '../pipeline/context';
import type { DeliverySummary } from '../pipeline/delivery-summary';
import { type ProcessDueSummary, processDueWork } from '../pipeline/process-due';
import type { Store } from '../store/store';
import { publishOverdueOfUnpolled } from './deferred-overdue';
import type { BackfillRequest } from './input';
import {
  type CrmPollSummary,
  type PollContext,
  type PollLogger,
  type PollProgress,
  type PollTuning,
  pollCrm,
} from './poll-crm';
import { createReadOnlyStore } from './read-only-store';

/**
 * One backfill run: first poll each configured CRM for closes whose webhook never came (recording them
 * exactly as the webhooks would), then process the due work — retries, closes waiting for their lead,
 * closes no inline call finished, and what the polling just recorded — in full platform batches until
 * nothing is due or the time is up. Every step is safe to repeat, so a run cut short leaves the rest due
 * for the next one; nothing is half-done.
 */
export type BackfillProgress =
  | ({ phase: 'poll' } & PollProgress)
  | {
      phase: 'deliver';
      read: number;
      rounds: number;
      deliveries: number;
      requests: number;
    };

export type BackfillDeps = {
  store: Store;
  config: Config;
  /** The runtime's pipeline context: the due work runs over it (through the read-only store in a dry run). */
  pipeline: PipelineContext;
  now: () => number;
  fetch: typeof fetch;
  logger: PollLogger;
  metrics?: MetricsRecorder;
  /** Epoch ms by which everything, final writes included, is done. */
  deadline: number;
  onProgress?: (progress: BackfillProgress) => void;
  /** Share of the run's time the CRM polling may take (default ½; the due work gets the rest). */
  pollShare?: number;
  /** processDueWork tuning (items per round, per Query page, time kept for the last round). */
  limit?: number;
  pageSize?: number;
  reserveMs?: number;
  /** Polling tuning by CRM name (HubSpot's search: result cap, spacing between searches, narrowest window). */
  pollTuning?: Readonly<Partial<Record<PolledCrmName, PollTuning>>>;
  /** How the CRM clients wait (Retry-After, back-off, request spacing); injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
};

/** `closeKey` is the delivery's subject key, under the name the backfill's output has always used. */
export type DryRunPreview = {
  closeKey: string;
  destination: string;
  status: DeliveryStatus;
  reason?: string;
  payload?: unknown;
};

export type BackfillSummary = {
  ok: true;
  trigger: BackfillRequest['trigger'];
  dryRun: boolean;
  retryNow: boolean;
  /** Each polled CRM's summary, by name, in the registry's order (`crm.hubspot`, `crm.salesforce`). */
  crm: Record<PolledCrmName, CrmPollSummary>;
  /** Closes found by polling, per CRM (whether new or already recorded). */
  closesFound: Record<PolledCrmName, number>;
  /** Closes the polling recorded: their webhook never came, or the deal changed since. */
  closesRecorded: number;
  /** Destination → recorded status → count. */
  deliveries: DeliverySummary['deliveries'];
  /** Platform requests, per destination. */
  requests: DeliverySummary['requests'];
  due: Pick<
    ProcessDueSummary,
    'read' | 'rounds' | 'closesPlanned' | 'failedRetried' | 'conflicts' | 'deferred'
  >;
  /**
   * Platform processing checks (Google Data Manager): status calls made, requests still processing, and
   * destination → recorded status → count for the deliveries whose result came in.
   */
  processing?: { checked: number; pending: number; deliveries: DeliverySummary['deliveries'] };
  /** True when the run stopped with work left (due deliveries or CRM windows): the next run continues. */
  more: boolean;
  /** Dry run only: the first deliveries it would have recorded, with their exact payloads. */
  preview?: DryRunPreview[];
  durationMs: number;
};

const DEFAULT_POLL_SHARE = 0.5;
const PREVIEW_SIZE = 10;

async function pollCrms(
  request: BackfillRequest,
  deps: BackfillDeps,
  store: Store,
  recordedCloseKeys: Set<string>,
): Promise<Record<PolledCrmName, CrmPollSummary>> {
  const startedAt = deps.now();
  const share = deps.pollShare ?? DEFAULT_POLL_SHARE;
  const context: PollContext = {
    store,
    now: deps.now,
    logger: deps.logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    deadline: startedAt + Math.max(0, deps.deadline - startedAt) * share,
    recordedCloseKeys,
    ...(request.since !== undefined || request.until !== undefined
      ? {
          manual: {
            ...(request.since === undefined ? {} : { since: request.since }),
            ...(request.until === undefined ? {} : { until: request.until }),
          },
        }
      : {}),
    ...(deps.onProgress
      ? { onProgress: (progress: PollProgress) => deps.onProgress?.({ phase: 'poll', ...progress }) }
      : {}),
  };
  // Different APIs with their own limits: polled side by side.
  const summaries = await Promise.all(
    CRM_SOURCES.flatMap((crm) => {
      if (!crm.poller) return [];
      const tuning = deps.pollTuning?.[crm.name as PolledCrmName];
      return [
        pollCrm({ name: crm.name, settings: crmSettings(crm, deps.config), poller: crm.poller }, context, {
          defaultCurrency: deps.config.defaultCurrency,
          defaultPhoneCountry: deps.config.defaultPhoneCountry,
          closureReasonMap: deps.config.closureReasonMap,
          stages: deps.config.conversionStages,
          fetch: deps.fetch,
          ...(deps.sleep ? { sleep: deps.sleep } : {}),
          ...(tuning ? { tuning } : {}),
        }),
      ];
    }),
  );
  return Object.fromEntries(summaries.map((summary) => [summary.crm, summary])) as Record<
    PolledCrmName,
    CrmPollSummary
  >;
}

function totalCount(byDestination: Record<string, Record<string, number> | number>): number {
  return Object.values(byDestination).reduce<number>(
    (sum, value) =>
      sum + (typeof value === 'number' ? value : Object.values(value).reduce((a, b) => a + b, 0)),
    0,
  );
}

export async function runBackfill(request: BackfillRequest, deps: BackfillDeps): Promise<BackfillSummary> {
  const startedAt = deps.now();
  const readOnly = request.dryRun ? createReadOnlyStore(deps.store) : undefined;
  const store = readOnly ?? deps.store;
  const recordedCloseKeys = new Set<string>();

  const crm = await pollCrms(request, deps, store, recordedCloseKeys);
  // The polled CRMs published their overdue deferred deals while resuming them; the others publish 0.
  if (deps.metrics) publishOverdueOfUnpolled(deps.metrics, crm);

  // Processing results first: a transient drop it finds is re-uploaded by the due work below. A dry run
  // asks nothing (it would record the answers).
  const processing = request.dryRun
    ? undefined
    : await checkProcessingResults(deps.pipeline, { deadline: deps.deadline });

  // A dry run records what it would write in the read-only store, and sends nothing whatever DRY_RUN says.
  const due = await processDueWork(
    { ...deps.pipeline, store, ...(request.dryRun ? { dryRun: true } : {}) },
    {
      deadline: deps.deadline,
      retryNow: request.retryNow,
      ownedSubjectKeys: recordedCloseKeys,
      ...(deps.limit === undefined ? {} : { limit: deps.limit }),
      ...(deps.pageSize === undefined ? {} : { pageSize: deps.pageSize }),
      ...(deps.reserveMs === undefined ? {} : { reserveMs: deps.reserveMs }),
      ...(deps.onProgress
        ? {
            onRound: (so: Readonly<ProcessDueSummary>) =>
              deps.onProgress?.({
                phase: 'deliver',
                read: so.read,
                rounds: so.rounds,
                deliveries: totalCount(so.deliveries),
                requests: totalCount(so.requests),
              }),
          }
        : {}),
    },
  );

  const polled = Object.values(crm);
  const pollLeft = polled.some((summary) => summary.status === 'partial' || summary.status === 'failed');
  const summary: BackfillSummary = {
    ok: true,
    trigger: request.trigger,
    dryRun: request.dryRun,
    retryNow: request.retryNow,
    crm,
    closesFound: Object.fromEntries(polled.map((summary) => [summary.crm, summary.found])) as Record<
      PolledCrmName,
      number
    >,
    closesRecorded: polled.reduce((sum, summary) => sum + summary.recorded, 0),
    deliveries: due.deliveries,
    requests: due.requests,
    due: {
      read: due.read,
      rounds: due.rounds,
      closesPlanned: due.closesPlanned,
      failedRetried: due.failedRetried,
      conflicts: due.conflicts,
      deferred: due.deferred,
    },
    ...(processing
      ? {
          processing: {
            checked: processing.checked,
            pending: processing.pending,
            deliveries: processing.deliveries,
          },
        }
      : {}),
    more: due.more || pollLeft,
    ...(readOnly
      ? {
          preview: readOnly.wouldWrite.slice(0, PREVIEW_SIZE).map((delivery) => ({
            closeKey: delivery.subjectKey,
            destination: delivery.destination,
            status: delivery.status,
            ...(delivery.lastErrorCode ? { reason: delivery.lastErrorCode } : {}),
            ...(delivery.payload === undefined ? {} : { payload: delivery.payload }),
          })),
        }
      : {}),
    durationMs: deps.now() - startedAt,
  };
  return summary;
}
