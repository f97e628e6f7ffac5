import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createObservability } from '../../functions/observability';
import { METRIC_NAMES } from '../../lib/observability/metrics';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every JSON line Powertools wrote to stdout while `run` ran. */
function emfLines(run: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    written.push(String(line));
  });
  run();
  log.mockRestore();
  return written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createObservability metrics', () => {
  // The suite turns metrics off (vitest.config.mts); Powertools reads the switch when an instance is built.
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('flushes one EMF record per metric and dimension set, with the service dimension and the namespace', () => {
    const { metrics } = createObservability({
      POWERTOOLS_SERVICE_NAME: 'crm-conversions-test',
      POWERTOOLS_METRICS_NAMESPACE: 'CrmConversionsTest',
    });
    const records = emfLines(() => {
      metrics.count(METRIC_NAMES.deliveries, { destination: 'meta', status: 'delivered' });
      metrics.count(METRIC_NAMES.deliveries, { destination: 'meta', status: 'delivered' });
      metrics.count(METRIC_NAMES.closesRecorded, { crm: 'hubspot' });
      metrics.flush();
    });
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'CrmConversionsTest',
            Dimensions: [['service', 'destination', 'status']],
            Metrics: [{ Name: 'Deliveries', Unit: 'Count' }],
          },
        ],
      },
      service: 'crm-conversions-test',
      destination: 'meta',
      status: 'delivered',
      Deliveries: 2,
    });
    // The first record's dimensions do not leak into the next one.
    expect(records[1]).toMatchObject({ crm: 'hubspot', ClosesRecorded: 1 });
    expect(records[1]).not.toHaveProperty('destination');
    expect(emfLines(() => metrics.flush())).toEqual([]);
  });
});
