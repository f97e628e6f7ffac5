import type { Destination } from '../destinations/types';
import type { MetricsRecorder } from '../observability/metrics';
import type { Store } from '../store/store';
import type { DeliverOptions, PipelineLogger } from './deliver';

/**
 * What the pipeline entry points take. `{ store, now, deadline }` is enough to call them (closes then
 * simply stay due); everything else is optional so that a handler can pass its runtime as it is:
 * `dispatchCloses(keys, { ...runtime, deadline })` picks up `destinations`, `config.dryRun`,
 * `config.leadWaitMs` and `logger`.
 */
export type PipelineOptions = {
  store: Store;
  now: () => number;
  /** Epoch ms by which platform requests must have finished (the final writes follow). */
  deadline: number;
  destinations?: readonly Destination[];
  config?: { dryRun?: boolean; leadWaitMs?: number };
  /** Overrides `config.dryRun` (the backfill's manual `{ dryRun }`). */
  dryRun?: boolean;
  /** Overrides `config.leadWaitMs`. */
  leadWaitMs?: number;
  logger?: PipelineLogger;
  /** Jitter source; injectable so tests can pin the back-off. */
  random?: () => number;
  /** The runtime's metrics (Deliveries, DeliveriesGivenUp, LeadJoinMisses); none counted without it. */
  metrics?: MetricsRecorder;
};

/** DESIGN.md / lib/config.ts default: LEAD_WAIT_HOURS = 72. */
export const DEFAULT_LEAD_WAIT_MS = 72 * 3_600_000;

export function resolveDeliverOptions(options: PipelineOptions): DeliverOptions {
  return {
    store: options.store,
    destinations: options.destinations ?? [],
    now: options.now,
    deadline: options.deadline,
    dryRun: options.dryRun ?? options.config?.dryRun ?? false,
    leadWaitMs: options.leadWaitMs ?? options.config?.leadWaitMs ?? DEFAULT_LEAD_WAIT_MS,
    random: options.random ?? Math.random,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
}
