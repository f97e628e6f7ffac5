import { type BackfillRequest, parseBackfillInput } from '../lib/backfill/input';
import { type ReplaySummary, replaySubjects } from '../lib/backfill/replay';
import { type BackfillDeps, type BackfillSummary, runBackfill } from '../lib/backfill/run-backfill';
import { type FieldIssue, PayloadValidationError } from '../lib/errors';
import { type RuntimeSource, taskHandler } from './middleware';
import { getDefaultRuntime } from './runtime';

/**
 * The backfill (EventBridge every 15 minutes, or invoked by hand with `{ since?, until?, dryRun?,
 * retryNow? }` or `{ replay: { subjects, destinations? } }`): validate the input, give the run the Lambda's
 * remaining time less a margin, run it (or the replay), log and return its summary. Bad input is answered
 * with the fields named, never thrown.
 */
export type BackfillRefusal = { ok: false; error: string; issues: FieldIssue[] };
export type ReplayResult = {
  ok: true;
  trigger: 'manual';
  replay: ReplaySummary;
  /** Some chosen delivery was not recorded (no time left, or a concurrent write): replay it again. */
  more: boolean;
  durationMs: number;
};
export type BackfillResult = BackfillSummary | ReplayResult | BackfillRefusal;

/** Kept after the run's deadline for its last writes, the summary log and the metrics flush. */
export const BACKFILL_SAFETY_MARGIN_MS = 20_000;

export type BackfillHandlerOptions = Partial<
  Pick<BackfillDeps, 'onProgress' | 'pollShare' | 'limit' | 'pageSize' | 'reserveMs' | 'pollTuning' | 'sleep'>
> & {
  safetyMarginMs?: number;
  /** The retry jitter of this handler's runs instead of the runtime's (tests pin the back-off). */
  random?: () => number;
};

function describeRun(request: BackfillRequest) {
  return {
    trigger: request.trigger,
    dryRun: request.dryRun,
    retryNow: request.retryNow,
    ...(request.since === undefined ? {} : { since: new Date(request.since).toISOString() }),
    ...(request.until === undefined ? {} : { until: new Date(request.until).toISOString() }),
    ...(request.replay
      ? { replay: { subjects: request.replay.subjects.length, destinations: request.replay.destinations } }
      : {}),
  };
}

export function createBackfillHandler(source: RuntimeSource, options: BackfillHandlerOptions = {}) {
  const { safetyMarginMs, random, ...tuning } = options;
  return taskHandler<unknown, BackfillResult>(source, async (event, runtime, context) => {
    let request: BackfillRequest;
    try {
      request = parseBackfillInput(event);
    } catch (error) {
      if (!(error instanceof PayloadValidationError)) throw error;
      runtime.logger.warn('backfill input refused', { issues: error.issues });
      return { ok: false, error: 'invalid backfill input', issues: error.issues };
    }
    const deadline =
      runtime.now() + context.getRemainingTimeInMillis() - (safetyMarginMs ?? BACKFILL_SAFETY_MARGIN_MS);
    runtime.logger.info('backfill started', describeRun(request));
    const pipeline = random ? { ...runtime.pipeline, random } : runtime.pipeline;
    if (request.replay) {
      const startedAt = runtime.now();
      const replay = await replaySubjects(pipeline, { ...request.replay, deadline });
      const result: ReplayResult = {
        ok: true,
        trigger: 'manual',
        replay,
        more: replay.more,
        durationMs: runtime.now() - startedAt,
      };
      // Subject keys are lead or order IDs (no PII); the statuses and counts say what happened.
      runtime.logger.info('replay finished', { subjects: replay.subjects.length, requests: replay.requests });
      return result;
    }
    const summary = await runBackfill(request, { ...runtime, pipeline, deadline, ...tuning });
    const { preview: _preview, ...logged } = summary;
    runtime.logger.info('backfill finished', logged);
    return summary;
  });
}

export const handler = createBackfillHandler(getDefaultRuntime);
