import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../lib/domain';
import { createMetricsRecorder } from '../../lib/observability/metrics';
import { countLeadJoinMisses, countRecordedDelivery, logGivenUp } from '../../lib/pipeline/delivery-metrics';
import { T0 } from '../support/clock';
import { closeRecord } from '../support/conversion-inputs';
import { createRecordingLogger } from '../support/recording-logger';

const delivery = (
  subjectKey: string,
  status: DeliveryRecord['status'],
  destination = 'meta',
): DeliveryRecord => ({
  subjectKey,
  destination,
  status,
  subjectVersion: 1,
  attempts: 1,
  createdAt: T0,
  updatedAt: T0,
  lastErrorCode: status.startsWith('failed:') ? 'HTTP_503' : undefined,
});

describe('countRecordedDelivery', () => {
  it('counts every recorded status, and a give-up by destination and reason', () => {
    const metrics = createMetricsRecorder(() => undefined);
    countRecordedDelivery(metrics, delivery('a', 'delivered'));
    countRecordedDelivery(metrics, delivery('b', 'failed:retries_exhausted', 'google-ads'));
    countRecordedDelivery(metrics, delivery('c', 'failed:retries_exhausted', 'google-ads'));

    expect(metrics.snapshot()).toEqual([
      { name: 'Deliveries', dimensions: { destination: 'meta', status: 'delivered' }, value: 1 },
      {
        name: 'Deliveries',
        dimensions: { destination: 'google-ads', status: 'failed:retries_exhausted' },
        value: 2,
      },
      {
        name: 'DeliveriesGivenUp',
        dimensions: { destination: 'google-ads', reason: 'retries_exhausted' },
        value: 2,
      },
    ]);
  });
});

describe('logGivenUp', () => {
  it('writes one warn line per destination and reason, naming close keys only', () => {
    const { logger, lines } = createRecordingLogger();
    logGivenUp(logger, [
      delivery('a', 'failed:retries_exhausted'),
      delivery('b', 'failed:retries_exhausted'),
      delivery('c', 'delivered'),
      delivery('d', 'failed:token_expired'),
    ]);

    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"reason":"retries_exhausted","count":2');
    expect(lines[0]).toContain('"closes":["a","b"]');
    expect(lines[1]).toContain('"reason":"token_expired","count":1');
  });
});

describe('countLeadJoinMisses', () => {
  it('counts a close once when its lead is missing, not again while it waits', () => {
    const metrics = createMetricsRecorder(() => undefined);
    const close = closeRecord('lead_x');
    const job = (destination: string, status: DeliveryRecord['status']) => ({
      subject: close,
      delivery: delivery('lead_x', status, destination),
      expected: undefined,
    });
    countLeadJoinMisses(metrics, [job('meta', 'pending'), job('google-ads', 'pending')], new Map());
    countLeadJoinMisses(metrics, [job('meta', 'waiting_for_lead')], new Map());

    expect(metrics.snapshot()).toEqual([
      { name: 'LeadJoinMisses', dimensions: { crm: 'hubspot' }, value: 1 },
    ]);
  });
});
