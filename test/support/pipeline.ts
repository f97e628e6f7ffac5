import type { Runtime } from '../../functions/runtime';
import type { DeliveryRecord } from '../../lib/domain';
import { dispatchSubjects } from '../../lib/pipeline/dispatch';
import { type DueWorkRun, processDueWork } from '../../lib/pipeline/process-due';

/** The inline dispatch as a webhook handler runs it: the runtime's pipeline, a deadline, fixed jitter. */
export function dispatchInline(runtime: Runtime, subjectKeys: string[], budgetMs = 5000) {
  return dispatchSubjects({ ...runtime.pipeline, random: () => 0.5 }, subjectKeys, {
    deadline: runtime.now() + budgetMs,
  });
}

/** The backfill's worker over the runtime's pipeline (test/support/backfill.ts runs the whole handler). */
export function runBackfill(runtime: Runtime, options: Partial<DueWorkRun> & { random?: () => number } = {}) {
  const { random = () => 0.5, ...run } = options;
  return processDueWork({ ...runtime.pipeline, random }, { deadline: runtime.now() + 60_000, ...run });
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
