import { type Checkpoint, closeWriteChanged, type StageDefinition } from '../domain';
import { ConfigurationError, RetryableError } from '../errors';
import type { MetricsRecorder } from '../observability/metrics';
import type { RecordCloseResult } from '../pipeline/record-close';
import type { Store } from '../store/store';
import { advanceCheckpoint } from './checkpoint';
import { type PollWindow, planPoll } from './windows';

/**
 * The polling every CRM's poller shares (lib/crm/<name>/poller.ts brings only its API's reading of one
 * window): the CRM's client over a request-counting fetch, the work its webhook deferred first, then the
 * windows planned from the checkpoint (or the manual window), polled in order, the checkpoint moved after
 * each one that is fully recorded, stopping cleanly — at the phase's deadline or at the first API failure
 * — leaving the rest to the next run. Every step is safe to repeat: a window polled again records nothing new.
 */
export type PollLogger = {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
};

/** What a backfill says about one CRM. Times are ISO 8601. */
export type CrmPollSummary = {
  /** The CRM's name (lib/crm/registry.ts): also its checkpoint's source. */
  crm: string;
  /** done: the whole range is recorded; partial: stopped part-way (deadline or API failure). */
  status: 'done' | 'partial' | 'failed' | 'disabled';
  range?: { since: string; until: string };
  /** End of the last window fully recorded in this run. */
  polledUntil?: string;
  /** The checkpoint after the run. */
  checkpoint?: string;
  /** Deals / Opportunities found that are closes (won, lost, or re-opened after a recorded close). */
  found: number;
  /** Closes recorded: new ones (their webhook never came) or new versions. */
  recorded: number;
  /** Closes found that were already recorded as they are. */
  unchanged: number;
  /** CRM API requests made. */
  requests: number;
  /** Why the run stopped before the end of the range: `deadline`, or the API error's code. */
  stoppedBy?: string;
  /** Deals left unread in a window that stayed over HubSpot's search cap at its narrowest. */
  truncated?: number;
  /** Why the CRM is not polled (missing configuration). */
  reason?: string;
  /** HubSpot: deals deferred by webhooks during an API outage, read and recorded before the polling. */
  deferred?: DeferredWorkSummary;
};

/** What resuming the work a CRM's webhook deferred (HubSpot: deals its API could not read) came to. */
export type DeferredWorkSummary = {
  /** Deferred items read from the index in this run. */
  read: number;
  /** Taken out of the index: read from the CRM and recorded (or found to be no close). */
  resolved: number;
  /** Closes recorded from them (new ones or new versions). */
  recorded: number;
  /** Why the step stopped with items left: `deadline`, or the API error's code. */
  stoppedBy?: string;
};

export type PollProgress = {
  crm: string;
  window: PollWindow;
  found: number;
  recorded: number;
};

export type PollContext = {
  store: Store;
  now: () => number;
  logger: PollLogger;
  metrics?: MetricsRecorder;
  /** The polling phase must be done by then (the deliveries need the rest of the run). */
  deadline: number;
  manual?: { since?: number; until?: number };
  /** Close keys this run recorded (created or updated): the due work may process them at once. */
  recordedCloseKeys: Set<string>;
  onProgress?: (progress: PollProgress) => void;
};

/**
 * What polling one window did: finished, ran out of time, or must be polled again as these windows first
 * (HubSpot: halves of a window over the result cap, or the same window when it changed while paged).
 */
export type WindowOutcome =
  | { kind: 'done' }
  | { kind: 'deadline' }
  | { kind: 'split'; windows: PollWindow[] };

/** Below this much time left no new request starts: it would not finish, and its page could not be recorded. */
export const MIN_POLL_STEP_MS = 5_000;

const iso = (ms: number) => new Date(ms).toISOString();

export function emptyPollSummary(crm: string): CrmPollSummary {
  return { crm, status: 'done', found: 0, recorded: 0, unchanged: 0, requests: 0 };
}

/**
 * Folds one page's recording into the summary and the run's recorded keys; a close met again in the same
 * run (a window read twice, the overlap) is counted once.
 */
function countRecorded(
  summary: CrmPollSummary,
  results: readonly RecordCloseResult[],
  recordedCloseKeys: Set<string>,
  seen: Set<string>,
): void {
  for (const result of results) {
    const changed = closeWriteChanged(result.action);
    if (changed) {
      summary.recorded++;
      recordedCloseKeys.add(result.subjectKey);
    }
    if (seen.has(result.subjectKey)) continue;
    seen.add(result.subjectKey);
    summary.found++;
    if (!changed) summary.unchanged++;
  }
}

async function pollCrmWindows(
  summary: CrmPollSummary,
  context: PollContext,
  pollWindow: (window: PollWindow) => Promise<WindowOutcome>,
): Promise<CrmPollSummary> {
  const source = summary.crm;
  let checkpoint: Checkpoint | undefined = await context.store.getCheckpoint(source);
  const plan = planPoll({
    now: context.now(),
    checkpoint,
    ...(context.manual ? { manual: context.manual } : {}),
  });
  summary.range = { since: iso(plan.range.since), until: iso(plan.range.until) };
  const queue = [...plan.windows];
  let completed = 0;
  try {
    while (queue.length > 0) {
      if (context.deadline - context.now() < MIN_POLL_STEP_MS) {
        summary.stoppedBy = 'deadline';
        break;
      }
      const window = queue[0] as PollWindow;
      const outcome = await pollWindow(window);
      if (outcome.kind === 'deadline') {
        summary.stoppedBy = 'deadline';
        break;
      }
      if (outcome.kind === 'split') {
        queue.splice(0, 1, ...outcome.windows);
        continue;
      }
      queue.shift();
      completed++;
      summary.polledUntil = iso(window.until);
      checkpoint = await advanceCheckpoint(context.store, source, checkpoint, window, {
        manual: plan.manual,
        now: context.now(),
      });
      context.onProgress?.({ crm: source, window, found: summary.found, recorded: summary.recorded });
    }
  } catch (error) {
    summary.stoppedBy = error instanceof RetryableError ? error.code : (error as Error)?.name;
    const extra = { crm: source, error: (error as Error)?.name, reason: summary.stoppedBy };
    if (error instanceof ConfigurationError) {
      context.logger.error(`${source} polling stopped: ${(error as Error).message}`, extra);
    } else {
      // The next run starts again from the checkpoint, which stayed at the last complete window.
      context.logger.warn(`${source} polling stopped; the next run resumes from the checkpoint`, {
        ...extra,
        message: (error as Error)?.message,
      });
    }
  }
  if (checkpoint) summary.checkpoint = iso(checkpoint.until);
  if (queue.length > 0) summary.status = completed > 0 || summary.found > 0 ? 'partial' : 'failed';
  if (queue.length > 0 && summary.stoppedBy === 'deadline') summary.status = 'partial';
  return summary;
}

/** How a poller may be tuned (tests, benchmarks): results per query, spacing between requests, narrowest window. */
export type PollTuning = { resultCap?: number; searchIntervalMs?: number; minWindowMs?: number };

/** The CRM's API as one run's poller may use it: requests are counted into the run's summary. */
export type CrmApiAccess = {
  fetch: typeof fetch;
  now: () => number;
  /** How the CRM client waits (Retry-After, back-off, request spacing); injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
};

/** One run's polling of one CRM, as its poller sees it. */
export type CrmPollRun<TSettings = unknown> = PollContext &
  CrmApiAccess & {
    /** The CRM's own settings (its slice of the configuration). */
    settings: TSettings;
    /** How every CRM's closes are mapped (DEFAULT_CURRENCY, CLOSURE_REASON_MAP). */
    defaultCurrency: string;
    defaultPhoneCountry?: string | undefined;
    closureReasonMap: Readonly<Record<string, string>>;
    /** CONVERSION_STAGES: the funnel stages polled records may have reached. */
    stages?: readonly StageDefinition[];
    summary: CrmPollSummary;
    /** CRM API requests made so far in this run. */
    requests: () => number;
    /** Folds a recorded page into the summary (a close met twice in a run is counted once). */
    countRecorded: (results: readonly RecordCloseResult[]) => void;
    tuning?: PollTuning;
  };

/** What the backfill needs of a CRM to poll it for closes whose webhook never came (lib/crm/<name>/poller.ts). */
export type CrmPoller<TSettings = unknown, TClient = unknown> = {
  /** Configuration names polling needs that are not set: the CRM is then reported disabled, not polled. */
  missingSettings(settings: TSettings): string[];
  /** The CRM's API client for one run. */
  connect(settings: TSettings, api: CrmApiAccess): TClient;
  /** Work the CRM's webhook deferred to the backfill, done before the windows (they are older news). */
  resumeDeferred?(client: TClient, run: CrmPollRun<TSettings>): Promise<DeferredWorkSummary>;
  /** Reads and records one window, page by page, counting into `run.summary`. */
  windowReader(client: TClient, run: CrmPollRun<TSettings>): (window: PollWindow) => Promise<WindowOutcome>;
};

function countingFetch(fetch: typeof globalThis.fetch): {
  fetch: typeof globalThis.fetch;
  count: () => number;
} {
  let requests = 0;
  return {
    fetch: (input, init) => {
      requests++;
      return fetch(input, init);
    },
    count: () => requests,
  };
}

/** Polls one CRM for the run: disabled without its settings, else deferred work first, then the windows. */
export async function pollCrm<TSettings>(
  crm: { name: string; settings: TSettings; poller: CrmPoller<TSettings> },
  context: PollContext,
  deps: {
    defaultCurrency: string;
    defaultPhoneCountry?: string | undefined;
    closureReasonMap: Readonly<Record<string, string>>;
    stages?: readonly StageDefinition[];
    fetch: typeof fetch;
    sleep?: (ms: number) => Promise<void>;
    tuning?: PollTuning;
  },
): Promise<CrmPollSummary> {
  const { poller, settings } = crm;
  const missing = poller.missingSettings(settings);
  if (missing.length > 0) {
    return { ...emptyPollSummary(crm.name), status: 'disabled', reason: `${missing.join(', ')} not set` };
  }
  const counted = countingFetch(deps.fetch);
  const api: CrmApiAccess = {
    fetch: counted.fetch,
    now: context.now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  };
  const client = poller.connect(settings, api);
  const summary = emptyPollSummary(crm.name);
  const seen = new Set<string>();
  const run: CrmPollRun<TSettings> = {
    ...context,
    ...api,
    settings,
    defaultCurrency: deps.defaultCurrency,
    defaultPhoneCountry: deps.defaultPhoneCountry,
    closureReasonMap: deps.closureReasonMap,
    stages: deps.stages,
    summary,
    requests: counted.count,
    countRecorded: (results) => countRecorded(summary, results, context.recordedCloseKeys, seen),
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
  };
  if (poller.resumeDeferred) {
    summary.deferred = await poller.resumeDeferred(client, run);
    summary.requests = counted.count();
  }
  const result = await pollCrmWindows(summary, context, poller.windowReader(client, run));
  result.requests = counted.count();
  // Deferred work left for the next run leaves the CRM's polling unfinished, whatever its windows did.
  if (result.deferred?.stoppedBy !== undefined && result.status === 'done') result.status = 'partial';
  return result;
}
