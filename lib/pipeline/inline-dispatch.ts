import type { Destination } from '../destinations/types';
import type { ConversionSubject } from '../domain';
import type { StateRequest } from '../store/state';
import type { PipelineLogger } from './context';
import { type DispatchSubjects, type DispatchSummary, INLINE_CLAIM_GRACE_MS } from './dispatch';
import { type RoundState, roundStateRequest } from './round-state';

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
  /** The round's reads, made by the caller beside its own. */
  prefetched?: RoundState;
  /** The caller recorded the subjects holding their claim (lib/pipeline/dispatch.ts). */
  owned?: boolean;
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
        ...(call.prefetched ? { prefetched: call.prefetched } : {}),
        ...(call.owned ? { owned: true } : {}),
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

/**
 * A CRM webhook's hand-over to the output side, made before it records anything: the claim its closes are
 * written with (CloseRecord.claimedUntil: just after the latest deadline this call's dispatch can get), what
 * the dispatch will read (so the intake reads it with its own close read, in one round trip), and the
 * dispatch of what it recorded, as their owner.
 */
export type InlineHandoff = {
  claimUntil: number;
  stateRequest(subjectKeys: readonly string[]): StateRequest;
  /** `recorded`: the subjects as just written (their stored state in `prefetched` was read before). */
  dispatch(
    recorded: ReadonlyMap<string, ConversionSubject>,
    prefetched?: RoundState,
  ): Promise<DispatchSummary | undefined>;
};

export function createInlineHandoff(
  deps: {
    dispatchInline: InlineDispatch;
    destinations: readonly Pick<Destination, 'name'>[];
    now: () => number;
  },
  call: Omit<InlineBudget, 'budgetMs'>,
): InlineHandoff {
  const lambdaEndsAt = deps.now() + call.remainingMs;
  // inlineDispatchDeadline never goes past either bound, whenever the dispatch starts.
  const latestDeadline = Math.min(
    lambdaEndsAt - INLINE_FINISH_MARGIN_MS,
    call.answerBy ?? Number.POSITIVE_INFINITY,
  );
  return {
    claimUntil: latestDeadline + INLINE_CLAIM_GRACE_MS,
    stateRequest: (subjectKeys) => roundStateRequest(deps.destinations, subjectKeys),
    dispatch: (recorded, prefetched) =>
      deps.dispatchInline([...recorded.keys()], {
        remainingMs: lambdaEndsAt - deps.now(),
        subjects: recorded,
        ...(call.answerBy === undefined ? {} : { answerBy: call.answerBy }),
        ...(prefetched ? { prefetched } : {}),
        owned: true,
      }),
  };
}
