import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Env } from '../lib/config';
import { RedactingLogFormatter } from '../lib/observability/log-formatter';
import { createMetricsRecorder, type MetricsRecorder } from '../lib/observability/metrics';

export type Observability = { logger: Logger; metrics: MetricsRecorder; tracer: Tracer };

const SERVICE = 'crm-conversions';

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
  const metrics = createMetricsRecorder((name, dimensions, value) => {
    const single = powertoolsMetrics.singleMetric();
    for (const [dimension, dimensionValue] of Object.entries(dimensions))
      single.addDimension(dimension, dimensionValue);
    single.addMetric(name, MetricUnit.Count, value);
  });
  const tracer = new Tracer({ serviceName });
  return { logger, metrics, tracer };
}
