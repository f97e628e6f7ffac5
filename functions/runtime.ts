import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Config, type Env, loadConfig } from '../lib/config';
import { createDestinations } from '../lib/destinations/registry';
import type { Destination } from '../lib/destinations/types';
import { createStore, type Store } from '../lib/store/store';

/**
 * Everything a handler needs, built once per Lambda container (or once per local server) and passed
 * in: tests and the local mode build their own with overrides.
 */
export type Runtime = {
  config: Config;
  logger: Logger;
  dynamo: DynamoDBClient;
  store: Store;
  /** Milliseconds since the epoch; injectable so tests control time. */
  now: () => number;
  fetch: typeof fetch;
  /** The enabled ad-platform destinations, built once from config (a disabled one is absent). */
  destinations: Destination[];
};

export type RuntimeOverrides = Partial<Pick<Runtime, 'now' | 'fetch' | 'logger' | 'dynamo' | 'destinations'>>;

export function createLogger(env: Env): Logger {
  return new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'crm-conversions',
    logLevel: (env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL ?? 'INFO') as 'INFO',
  });
}

export function createDynamoClient(config: Config): DynamoDBClient {
  return new DynamoDBClient({
    region: config.awsRegion,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    // Short connection and request timeouts: a stuck call must fail inside the webhook's 5 s budget.
    maxAttempts: 3,
  });
}

export function createRuntime(env: Env, overrides: RuntimeOverrides = {}): Runtime {
  const logger = overrides.logger ?? createLogger(env);
  const config = loadConfig(env);
  for (const capability of config.disabled) {
    logger.info('capability disabled: configuration absent', {
      capability: capability.name,
      missing: capability.missing,
    });
  }
  const dynamo = overrides.dynamo ?? createDynamoClient(config);
  const now = overrides.now ?? Date.now;
  const runtimeFetch = overrides.fetch ?? globalThis.fetch;
  return {
    config,
    logger,
    dynamo,
    store: createStore({ client: dynamo, tableName: config.tableName }),
    now,
    fetch: runtimeFetch,
    destinations: overrides.destinations ?? createDestinations(config, { fetch: runtimeFetch, now }),
  };
}

let defaultRuntime: Runtime | undefined;

/** The Lambda container's runtime, from process.env, built on first use and kept. */
export function getDefaultRuntime(): Runtime {
  defaultRuntime ??= createRuntime(process.env);
  return defaultRuntime;
}
