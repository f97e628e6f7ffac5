import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Env } from '../lib/config';
import { RedactingLogFormatter } from '../lib/observability/log-formatter';
import { createMetricsRecorder, type MetricsRecorder } from '../lib/observability/metrics';

export type Observability = { logger: Logger; metrics: MetricsRecorder; tracer: Tracer | undefined };

const SERVICE = 'crm-conversions';

/**
 * The X-Ray tracer, loaded only where it will trace: inside Lambda, unless POWERTOOLS_TRACE_ENABLED is
 * false. Loading it installs the X-Ray SDK's async hooks, which slow every promise in the process, so
 * local mode, tests and deployments with tracing off do not pay for it.
 */
function createTracer(env: Env, serviceName: string): Tracer | undefined {
  if (!env.AWS_LAMBDA_FUNCTION_NAME || env.POWERTOOLS_TRACE_ENABLED === 'false') return undefined;
  const { Tracer: PowertoolsTracer } =
    require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
  const tracer = new PowertoolsTracer({ serviceName });
  return tracer.isTracingEnabled() ? tracer : undefined;
}

/**
 * Logger (JSON, redacted, level from POWERTOOLS_LOG_LEVEL), metrics (EMF, namespace from
 * POWERTOOLS_METRICS_NAMESPACE) and tracer (X-Ray; switches itself off outside Lambda).
 */
export function createObservability(env: Env): Observability {
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? SERVICE;
  const logger = new Logger({
    serviceName,
    logLevel: (env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL ?? 'INFO') as 'INFO',
    logFormatter: new RedactingLogFormatter(),
  });
  const powertoolsMetrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'CrmConversions',
    serviceName,
  });
  // One EMF record per metric and dimension set, from the one Metrics instance: `singleMetric()` would
  // build (and configure from the environment) a new instance for each.
  const metrics = createMetricsRecorder((name, dimensions, value) => {
    powertoolsMetrics.addDimensions({ ...dimensions });
    powertoolsMetrics.addMetric(name, MetricUnit.Count, value);
    powertoolsMetrics.publishStoredMetrics();
  });
  return { logger, metrics, tracer: createTracer(env, serviceName) };
}
