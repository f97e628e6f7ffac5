import type { Context } from 'aws-lambda';
import { dispatchInline, inlineDispatchDeadline } from '../lib/crm/intake';
import type { Runtime } from './runtime';

/**
 * Hands what an intake just recorded (close keys, order subject keys) to the destinations within
 * INLINE_DISPATCH_BUDGET_MS, the Lambda's time left and — for a CRM webhook — the time by which the CRM
 * must have its answer. What does not fit stays due for the backfill.
 */
export function dispatchWithinBudget(
  keys: readonly string[],
  runtime: Runtime,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  answerBy?: number,
): Promise<void> {
  return dispatchInline(keys, {
    ...runtime,
    deadline: inlineDispatchDeadline({
      now: runtime.now(),
      budgetMs: runtime.config.inlineDispatchBudgetMs,
      remainingMs: context.getRemainingTimeInMillis(),
      ...(answerBy === undefined ? {} : { answerBy }),
    }),
  });
}
