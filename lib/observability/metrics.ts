/**
 * The connector's business metrics, counted in memory during an invocation and flushed once at its end
 * as one CloudWatch EMF record per metric and dimension set (Powertools Metrics), so a backfill of
 * 5,000 deliveries writes a handful of log lines, not 5,000.
 */
export const METRIC_NAMES = {
  leadsCaptured: 'LeadsCaptured',
  closesRecorded: 'ClosesRecorded',
  stagesRecorded: 'StagesRecorded',
  deliveries: 'Deliveries',
  deliveriesGivenUp: 'DeliveriesGivenUp',
  leadJoinMisses: 'LeadJoinMisses',
  webhooksRejected: 'WebhooksRejected',
  crmDealsDeferred: 'CrmDealsDeferred',
  /** Deferred CRM deals unresolved an hour after their deferral (published each backfill run, 0 when none). */
  crmDealsDeferredOverdue: 'CrmDealsDeferredOverdue',
  platformRejections: 'PlatformRejections',
} as const;
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

export type Dimensions = Readonly<Record<string, string>>;

export type MetricsRecorder = {
  count(name: MetricName, dimensions?: Dimensions, value?: number): void;
  /** The counts so far, grouped: what `flush` would publish. */
  snapshot(): { name: MetricName; dimensions: Dimensions; value: number }[];
  /** Publishes and clears the counts. */
  flush(): void;
};

export type MetricsPublisher = (name: MetricName, dimensions: Dimensions, value: number) => void;

export function createMetricsRecorder(publish: MetricsPublisher): MetricsRecorder {
  const counts = new Map<string, { name: MetricName; dimensions: Dimensions; value: number }>();
  const snapshot = () => [...counts.values()].map((entry) => ({ ...entry }));
  return {
    count(name, dimensions = {}, value = 1) {
      const key = `${name}|${Object.entries(dimensions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([dimension, dimensionValue]) => `${dimension}=${dimensionValue}`)
        .join(',')}`;
      const entry = counts.get(key);
      if (entry) entry.value += value;
      else counts.set(key, { name, dimensions, value });
    },
    snapshot,
    flush() {
      for (const entry of snapshot()) publish(entry.name, entry.dimensions, entry.value);
      counts.clear();
    },
  };
}
