import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Config, type Env, loadConfig } from '../lib/config';
import { createDestinations } from '../lib/destinations/registry';
import type { Destination } from '../lib/destinations/types';
import type { MetricsRecorder } from '../lib/observability/metrics';
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
};

export type RuntimeOverrides = Partial<
  Pick<Runtime, 'now' | 'fetch' | 'logger' | 'dynamo' | 'metrics' | 'destinations'>
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
  return {
    config,
    logger,
    metrics: overrides.metrics ?? observability.metrics,
    tracer,
    dynamo,
    store: createStore({ client: dynamo, tableName: config.tableName }),
    now,
    fetch: runtimeFetch,
    destinations: overrides.destinations ?? createDestinations(config, { fetch: runtimeFetch, now }),
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
