/** What a run of deliveries did, counted for the caller's answer and log (the backfill's JSON output). */
export type DeliverySummary = {
  /** Destination → recorded status → count. */
  deliveries: Record<string, Record<string, number>>;
  /** Platform requests made, per destination. */
  requests: Record<string, number>;
  /** Writes that lost to a concurrent processor (which recorded its own result). */
  conflicts: number;
  /** Jobs left untouched for a later run (no time left before the deadline). */
  deferred: number;
};

export function emptySummary(): DeliverySummary {
  return { deliveries: {}, requests: {}, conflicts: 0, deferred: 0 };
}

export function countStatus(summary: DeliverySummary, destination: string, status: string): void {
  const statuses = summary.deliveries[destination] ?? {};
  statuses[status] = (statuses[status] ?? 0) + 1;
  summary.deliveries[destination] = statuses;
}

export function mergeSummaries(into: DeliverySummary, from: DeliverySummary): DeliverySummary {
  for (const [destination, statuses] of Object.entries(from.deliveries)) {
    const target = into.deliveries[destination] ?? {};
    for (const [status, count] of Object.entries(statuses)) target[status] = (target[status] ?? 0) + count;
    into.deliveries[destination] = target;
  }
  for (const [destination, count] of Object.entries(from.requests)) {
    into.requests[destination] = (into.requests[destination] ?? 0) + count;
  }
  into.conflicts += from.conflicts;
  into.deferred += from.deferred;
  return into;
}
