import type { Destination } from '../destinations/types';
import type { MetricsRecorder } from '../observability/metrics';
import type { Store } from '../store/store';

/**
 * The two lifetimes of the output side (svix's WorkerContext / DispatchContext). A `PipelineContext` lives
 * as long as the process: functions/runtime.ts builds it once from the configuration, and every inline
 * dispatch and backfill run of that container shares it. What belongs to one call — its deadline, what
 * the caller has just read — is passed beside it, per call, and nothing re-derives the context on the way.
 */
export type PipelineContext = {
  store: Store;
  /** The enabled destinations (a disabled one is absent). */
  destinations: readonly Destination[];
  now: () => number;
  /** DRY_RUN: every payload is built and recorded, nothing is sent. */
  dryRun: boolean;
  /** LEAD_WAIT_HOURS: how long after its close a delivery waits for a lead that has not arrived. */
  leadWaitMs: number;
  /** Jitter of the retry back-off. */
  random: () => number;
  logger: PipelineLogger;
  /** Deliveries, give-ups and lead join misses (lib/pipeline/delivery-metrics.ts). */
  metrics: MetricsRecorder;
  /** Each close source's name as the platforms' lead-source fields show it (lib/crm/registry.ts). */
  crmDisplayNames: Readonly<Record<string, string>>;
};

/** The part of Powertools' Logger the pipeline uses (structured fields only: counts, codes, no PII). */
export type PipelineLogger = {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
};
