import type { Runtime } from '../../functions/runtime';
import type { DeliveryRecord } from '../../lib/domain';
import { dispatchSubjects } from '../../lib/pipeline/dispatch';
import { type ProcessDueOptions, processDueWork } from '../../lib/pipeline/process-due';

/** The inline dispatch as a webhook handler runs it: the runtime as it is, plus a deadline. */
export function dispatchInline(runtime: Runtime, closeKeys: string[], budgetMs = 5000) {
  return dispatchSubjects(closeKeys, { ...runtime, deadline: runtime.now() + budgetMs, random: () => 0.5 });
}

/** The backfill's worker over the runtime (issue 5 wraps it in the backfill handler). */
export function runBackfill(runtime: Runtime, options: Partial<ProcessDueOptions> = {}) {
  return processDueWork({ ...runtime, deadline: runtime.now() + 60_000, random: () => 0.5, ...options });
}

export async function deliveriesOf(
  runtime: Runtime,
  subjectKey: string,
): Promise<Record<string, DeliveryRecord>> {
  const found = await runtime.store.getDeliveries(
    runtime.destinations.map((destination) => ({ subjectKey, destination: destination.name })),
  );
  return Object.fromEntries([...found.values()].map((delivery) => [delivery.destination, delivery]));
}
