import { type Checkpoint, type CrmName, closeWriteChanged } from '../domain';
import { ConfigurationError, RetryableError } from '../errors';
import type { MetricsRecorder } from '../observability/metrics';
import type { RecordCloseResult } from '../pipeline/record-close';
import type { Store } from '../store/store';
import { advanceCheckpoint } from './checkpoint';
import type { DeferredDealsSummary } from './resume-deferred-deals';
import { type PollWindow, planPoll } from './windows';

/**
 * The loop both CRM pollers share: plan the windows from the checkpoint (or the manual window), poll them
 * in order, move the checkpoint after each one that is fully recorded, and stop cleanly — at the phase's
 * deadline or at the first API failure — leaving the rest to the next run. Every step is safe to repeat:
 * a window polled again records nothing new.
 */
export type PollLogger = {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
};

/** What a backfill says about one CRM. Times are ISO 8601. */
export type CrmPollSummary = {
  crm: Exclude<CrmName, 'api'>;
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
  deferred?: DeferredDealsSummary;
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

export function emptyPollSummary(crm: CrmPollSummary['crm']): CrmPollSummary {
  return { crm, status: 'done', found: 0, recorded: 0, unchanged: 0, requests: 0 };
}

/**
 * Folds one page's recording into the summary and the run's recorded keys; a close met again in the same
 * run (a window read twice, the overlap) is counted once.
 */
export function countRecorded(
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

export async function pollCrmWindows(
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
