import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Config, type Env, loadConfig } from '../lib/config';
import { CRM_DISPLAY_NAMES } from '../lib/crm/registry';
import { createDestinations } from '../lib/destinations/registry';
import type { Destination } from '../lib/destinations/types';
import type { MetricsRecorder } from '../lib/observability/metrics';
import type { PipelineContext } from '../lib/pipeline/context';
import { bindDispatchSubjects, type DispatchSubjects } from '../lib/pipeline/dispatch';
import {
  createInlineDispatch,
  createInlineHandoff,
  type InlineBudget,
  type InlineDispatch,
  type InlineHandoff,
} from '../lib/pipeline/inline-dispatch';
import { resolveParameters } from '../lib/secrets';
import { createStore, type Store } from '../lib/store/store';
import { createObservability } from './observability';

/**
 * Everything a handler needs, built once per Lambda container (or once per local server) and passed
 * in: tests and the local mode build their own with overrides.
 */
export type Runtime = {
  config: Config;
  logger: Logger;
  metrics: MetricsRecorder;
  tracer: Tracer | undefined;
  dynamo: DynamoDBClient;
  store: Store;
  /** Milliseconds since the epoch; injectable so tests control time. */
  now: () => number;
  fetch: typeof fetch;
  /** The enabled ad-platform destinations, built once from config (a disabled one is absent). */
  destinations: Destination[];
  /** The output side's long-lived context: every inline dispatch and backfill run shares it. */
  pipeline: PipelineContext;
  /** Plans and delivers subjects by a deadline (over `pipeline`); a test replaces it to see the hand-over. */
  dispatchSubjects: DispatchSubjects;
  /** The handlers' inline dispatch: `dispatchSubjects` within the inline budget and the call's time. */
  dispatchInline: InlineDispatch;
  /** A CRM webhook call's hand-over: the claim of what it records, and its dispatch as their owner. */
  inlineHandoff(call: Omit<InlineBudget, 'budgetMs'>): InlineHandoff;
};

export type RuntimeOverrides = Partial<
  Pick<Runtime, 'now' | 'fetch' | 'logger' | 'dynamo' | 'metrics' | 'destinations' | 'dispatchSubjects'>
>;

export function createDynamoClient(config: Config): DynamoDBClient {
  return new DynamoDBClient({
    region: config.awsRegion,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    maxAttempts: 3,
  });
}

export function createRuntime(env: Env, overrides: RuntimeOverrides = {}): Runtime {
  const observability = createObservability(env);
  const logger = overrides.logger ?? observability.logger;
  const config = loadConfig(env);
  for (const capability of config.disabled) {
    logger.info('capability disabled: configuration absent', {
      capability: capability.name,
      missing: capability.missing,
    });
  }
  const tracer = observability.tracer;
  const dynamo = overrides.dynamo ?? createDynamoClient(config);
  tracer?.captureAWSv3Client(dynamo);
  const now = overrides.now ?? Date.now;
  const runtimeFetch = overrides.fetch ?? globalThis.fetch;
  const metrics = overrides.metrics ?? observability.metrics;
  const store = createStore({ client: dynamo, tableName: config.tableName });
  const destinations = overrides.destinations ?? createDestinations(config, { fetch: runtimeFetch, now });
  const pipeline: PipelineContext = {
    store,
    destinations,
    now,
    dryRun: config.dryRun,
    leadWaitMs: config.leadWaitMs,
    // Looked up at each draw, so that a test's spy on Math.random (test/reliability) sets the jitter.
    random: () => Math.random(),
    logger,
    metrics,
    crmDisplayNames: CRM_DISPLAY_NAMES,
  };
  const dispatchSubjects = overrides.dispatchSubjects ?? bindDispatchSubjects(pipeline);
  const dispatchInline = createInlineDispatch({
    dispatchSubjects,
    budgetMs: config.inlineDispatchBudgetMs,
    now,
    logger,
  });
  return {
    config,
    logger,
    metrics,
    tracer,
    dynamo,
    store,
    now,
    fetch: runtimeFetch,
    destinations,
    pipeline,
    dispatchSubjects,
    dispatchInline,
    inlineHandoff: (call) => createInlineHandoff({ dispatchInline, destinations, now }, call),
  };
}

/** SSM Parameter Store through Powertools Parameters: one paginated, decrypted read of the stage's path. */
async function loadParametersFromSsm(path: string): Promise<Record<string, string | undefined>> {
  const { getParameters } = await import('@aws-lambda-powertools/parameters/ssm');
  return (await getParameters(path, { decrypt: true, recursive: false, maxAge: 300 })) ?? {};
}

let defaultRuntime: Promise<Runtime> | undefined;

/**
 * The Lambda container's runtime: the environment, completed from SSM Parameter Store when
 * SSM_PARAMETER_PATH is set, built on first use and kept for the container's life.
 */
export function getDefaultRuntime(): Promise<Runtime> {
  defaultRuntime ??= resolveParameters(process.env, loadParametersFromSsm).then((env) => createRuntime(env));
  // A failed start (bad configuration, SSM unreachable) must not be cached: the next call tries again.
  defaultRuntime.catch(() => {
    defaultRuntime = undefined;
  });
  return defaultRuntime;
}
