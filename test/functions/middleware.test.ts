import { describe, expect, it } from 'vitest';
import { httpHandler } from '../../functions/middleware';
import { createRuntime } from '../../functions/runtime';
import { PayloadValidationError } from '../../lib/errors';
import type { HttpEvent } from '../../lib/http/request';
import { createMetricsRecorder, METRIC_NAMES } from '../../lib/observability/metrics';
import { createLambdaContext } from '../../local/lambda-context';

const event = (routeKey = 'POST /v1/events') =>
  ({ routeKey, requestContext: { requestId: 'req-1' }, headers: {}, body: '{}' }) as unknown as HttpEvent;

function setup() {
  const published: { name: string; dimensions: Record<string, string>; value: number }[] = [];
  const metrics = createMetricsRecorder((name, dimensions, value) =>
    published.push({ name, dimensions, value }),
  );
  const runtime = createRuntime({ POWERTOOLS_LOG_LEVEL: 'SILENT' }, { metrics });
  return { runtime, published };
}

describe('httpHandler', () => {
  it('answers a caller mistake with its status and counts the rejection by route and reason', async () => {
    const { runtime, published } = setup();
    const handler = httpHandler(runtime, async () => {
      throw new PayloadValidationError([{ field: 'event.id', message: 'required' }]);
    });

    const result = await handler(event(), createLambdaContext('collect'));

    expect(result).toMatchObject({ statusCode: 400 });
    expect(JSON.parse(String(result.body))).toEqual({
      error: 'event.id: required',
      issues: [{ field: 'event.id', message: 'required' }],
      requestId: 'req-1',
    });
    expect(published).toEqual([
      {
        name: METRIC_NAMES.webhooksRejected,
        dimensions: { route: 'POST /v1/events', reason: 'PayloadValidationError' },
        value: 1,
      },
    ]);
  });

  it('hides an internal failure behind a bare 500 and still flushes the metrics counted so far', async () => {
    const { runtime, published } = setup();
    const handler = httpHandler(runtime, async (_event, current) => {
      current.metrics.count(METRIC_NAMES.closesRecorded, { crm: 'hubspot' }, 2);
      throw new Error('DynamoDB said: item jane@example.com');
    });

    const result = await handler(event(), createLambdaContext('collect'));

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('jane');
    expect(result.body).not.toContain('DynamoDB');
    expect(published).toEqual([
      { name: METRIC_NAMES.closesRecorded, dimensions: { crm: 'hubspot' }, value: 2 },
    ]);
  });

  it('awaits an asynchronous runtime source on every invocation (the source memoises)', async () => {
    const { runtime } = setup();
    let built = 0;
    const handler = httpHandler(
      async () => {
        built++;
        return runtime;
      },
      async () => ({ statusCode: 204 }),
    );

    await handler(event(), createLambdaContext('collect'));
    await handler(event(), createLambdaContext('collect'));

    expect(built).toBe(2);
  });

  it('answers 500 without a stack when the configuration is invalid', async () => {
    const handler = httpHandler(
      () => createRuntime({ PORT: 'x', POWERTOOLS_LOG_LEVEL: 'SILENT' }),
      async () => ({ statusCode: 204 }),
    );
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const result = await handler(event(), createLambdaContext('collect'));
      expect(result.statusCode).toBe(500);
    } finally {
      console.error = original;
    }
    expect(JSON.stringify(errors)).toContain('PORT');
  });
});

describe('createMetricsRecorder', () => {
  it('adds up counts per metric and dimension set, whatever the dimension order', () => {
    const published: unknown[] = [];
    const recorder = createMetricsRecorder((name, dimensions, value) =>
      published.push({ name, dimensions, value }),
    );

    recorder.count(METRIC_NAMES.deliveries, { destination: 'meta', status: 'delivered' });
    recorder.count(METRIC_NAMES.deliveries, { status: 'delivered', destination: 'meta' }, 4);
    recorder.count(METRIC_NAMES.deliveries, { destination: 'google-ads', status: 'retry' });
    recorder.flush();
    recorder.flush();

    expect(published).toEqual([
      { name: 'Deliveries', dimensions: { destination: 'meta', status: 'delivered' }, value: 5 },
      { name: 'Deliveries', dimensions: { destination: 'google-ads', status: 'retry' }, value: 1 },
    ]);
  });
});
