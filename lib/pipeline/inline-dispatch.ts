import type { ConversionSubject } from '../domain';
import type { PipelineLogger } from './context';
import type { DispatchSubjects, DispatchSummary } from './dispatch';

/**
 * The one entry of the inline dispatch, used by both CRM webhooks and collect: what an intake has just
 * recorded goes to the destinations within one budget rule, and the caller's request never fails for it —
 * the subjects are durable and in the due index already, so whatever this call does not finish (no time,
 * an error) the backfill does.
 */

/**
 * Time kept after the inline deadline for the final conditional writes, the answer and the end of the
 * invocation (log lines, the metrics flush) before Lambda's own timeout. The webhooks kept 1,000 ms and
 * collect 1,500 ms; the larger one holds for both: running out of Lambda time kills the invocation before
 * it answers (the CRM retries, collect's sender sees a 5xx), where ending the uploads 500 ms sooner only
 * leaves a few more deliveries to the backfill.
 */
export const INLINE_FINISH_MARGIN_MS = 1500;

export type InlineBudget = {
  /** INLINE_DISPATCH_BUDGET_MS. */
  budgetMs: number;
  /** The Lambda invocation's time left (`Context.getRemainingTimeInMillis()`). */
  remainingMs: number;
  /** Epoch ms by which the caller must have its answer (a CRM's webhook timeout less its margin). */
  answerBy?: number;
};

/**
 * The inline dispatch's deadline: the configured budget, cut short so that the answer still goes out
 * before the caller's timeout (`answerBy`) and before Lambda's own (`remainingMs` less the finish margin).
 */
export function inlineDispatchDeadline(now: number, budget: InlineBudget): number {
  return Math.min(
    now + budget.budgetMs,
    now + budget.remainingMs - INLINE_FINISH_MARGIN_MS,
    budget.answerBy ?? Number.POSITIVE_INFINITY,
  );
}

/** What one inline call brings: its time, and the subjects it has just read (not read again). */
export type InlineCall = Omit<InlineBudget, 'budgetMs'> & {
  subjects?: ReadonlyMap<string, ConversionSubject>;
};

/** The summary, or undefined when nothing was dispatched (nothing to do, no time left, or it failed). */
export type InlineDispatch = (
  subjectKeys: readonly string[],
  call: InlineCall,
) => Promise<DispatchSummary | undefined>;

/** Built once per runtime (functions/runtime.ts): only the call's time and subjects vary per call. */
export function createInlineDispatch(deps: {
  dispatchSubjects: DispatchSubjects;
  budgetMs: number;
  now: () => number;
  logger: PipelineLogger;
}): InlineDispatch {
  return async (subjectKeys, call) => {
    if (subjectKeys.length === 0) return undefined;
    const now = deps.now();
    const deadline = inlineDispatchDeadline(now, {
      budgetMs: deps.budgetMs,
      remainingMs: call.remainingMs,
      ...(call.answerBy === undefined ? {} : { answerBy: call.answerBy }),
    });
    if (deadline <= deps.now()) {
      deps.logger.info('inline dispatch skipped: no time left; the backfill will deliver', {
        closes: subjectKeys.length,
      });
      return undefined;
    }
    try {
      return await deps.dispatchSubjects(subjectKeys, {
        deadline,
        ...(call.subjects ? { subjects: call.subjects } : {}),
      });
    } catch (error) {
      deps.logger.warn('inline dispatch failed; the backfill will retry', {
        closes: subjectKeys.length,
        error: { name: (error as Error).name, message: (error as Error).message },
      });
      return undefined;
    }
  };
}
