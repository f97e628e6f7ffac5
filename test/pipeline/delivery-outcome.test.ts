import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../lib/domain';
import {
  deliveryAfterOutcome,
  LEAD_RECHECK_MS,
  MAX_ATTEMPTS,
  RETRY_CAP_MS,
  RETRY_GIVE_UP_MS,
  retryDelayMs,
  shouldWaitForLead,
  waitingDelivery,
} from '../../lib/pipeline/delivery-outcome';
import { planDelivery } from '../../lib/pipeline/plan-deliveries';
import { DAY, HOUR, T0 } from '../support/clock';
import { closeRecord, nextCloseVersion } from '../support/conversion-inputs';

const pending: DeliveryRecord = {
  subjectKey: 'lead_1',
  destination: 'meta',
  status: 'pending',
  subjectVersion: 1,
  attempts: 0,
  createdAt: T0,
  updatedAt: T0,
  nextAttemptAt: T0,
};

describe('retryDelayMs', () => {
  it('doubles from a minute, with jitter between half and the whole step', () => {
    expect(retryDelayMs(1, undefined, () => 0)).toBe(30_000);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(60_000);
    expect(retryDelayMs(4, undefined, () => 1)).toBe(8 * 60_000);
  });

  it('never exceeds 6 hours and never comes before Retry-After', () => {
    expect(retryDelayMs(30, undefined, () => 1)).toBe(RETRY_CAP_MS);
    expect(retryDelayMs(1, 10 * 60_000, () => 0)).toBe(10 * 60_000);
  });
});

describe('deliveryAfterOutcome', () => {
  it('records a delivery with the platform id and what the platform accepted', () => {
    const accepted = {
      version: 1,
      outcome: 'won' as const,
      value: 10,
      currency: 'USD',
      at: T0,
      conversionAt: T0 - HOUR,
    };
    const next = deliveryAfterOutcome(
      { ...pending, lastError: 'old' },
      { kind: 'delivered', responseId: 'req-1' },
      {
        now: T0,
        random: () => 0,
        accepted,
        payload: { body: 1 },
      },
    );
    expect(next).toMatchObject({
      status: 'delivered',
      attempts: 1,
      platformResponseId: 'req-1',
      delivered: accepted,
      payload: { body: 1 },
    });
    expect(next.nextAttemptAt).toBeUndefined();
    expect(next.lastError).toBeUndefined();
  });

  it('schedules a retry and gives up after the last attempt', () => {
    const retry = { kind: 'retry' as const, code: 'HTTP_503', message: 'down' };
    expect(deliveryAfterOutcome(pending, retry, { now: T0, random: () => 1 })).toMatchObject({
      status: 'retry',
      attempts: 1,
      nextAttemptAt: T0 + 60_000,
      lastErrorCode: 'HTTP_503',
    });
    expect(
      deliveryAfterOutcome({ ...pending, attempts: MAX_ATTEMPTS - 1 }, retry, { now: T0, random: () => 1 }),
    ).toMatchObject({
      status: 'failed:retries_exhausted',
      lastErrorCode: 'HTTP_503',
    });
  });

  it('keeps the explanation of a skip', () => {
    expect(
      deliveryAfterOutcome(
        pending,
        { kind: 'skipped', reason: 'consent', message: 'refused' },
        { now: T0, random: () => 0 },
      ),
    ).toMatchObject({ status: 'skipped:consent', lastError: 'refused', attempts: 1 });
  });
});

describe('lead wait', () => {
  it('waits only for a close with a lead ID, until the wait is over', () => {
    const close = closeRecord('lead_1');
    expect(shouldWaitForLead(close, false, T0 + HOUR, 72 * HOUR)).toBe(true);
    expect(shouldWaitForLead(close, true, T0 + HOUR, 72 * HOUR)).toBe(false);
    expect(shouldWaitForLead(close, false, T0 + 73 * HOUR, 72 * HOUR)).toBe(false);
    expect(shouldWaitForLead(closeRecord(undefined), false, T0, 72 * HOUR)).toBe(false);
  });

  it('looks again hourly, never past the end of the wait, without counting an attempt', () => {
    const close = closeRecord('lead_1');
    expect(waitingDelivery(pending, close, { now: T0, leadWaitMs: 72 * HOUR })).toMatchObject({
      status: 'waiting_for_lead',
      attempts: 0,
      nextAttemptAt: T0 + LEAD_RECHECK_MS,
    });
    expect(
      waitingDelivery(pending, close, { now: T0 + 71.5 * HOUR, leadWaitMs: 72 * HOUR }).nextAttemptAt,
    ).toBe(T0 + 72 * HOUR);
  });
});

describe('planDelivery', () => {
  const options = { now: T0, dueAt: T0 + 5000, dryRun: false };

  it('creates a pending delivery for a new close', () => {
    expect(planDelivery(closeRecord('lead_1'), 'meta', undefined, options)).toEqual({
      delivery: { ...pending, nextAttemptAt: T0 + 5000 },
      expected: undefined,
      write: true,
    });
  });

  it('re-plans a delivery for a new close version and keeps what was delivered', () => {
    const v2 = nextCloseVersion(closeRecord('lead_1'), { value: 1 });
    const delivered = { version: 1, outcome: 'won' as const, value: 4500, currency: 'USD', at: T0 - DAY };
    const plan = planDelivery(
      v2,
      'meta',
      { ...pending, status: 'delivered', attempts: 1, delivered },
      options,
    );
    expect(plan).toMatchObject({
      delivery: { status: 'pending', subjectVersion: 2, attempts: 0, delivered },
      expected: { subjectVersion: 1, attempts: 1 },
      write: true,
    });
  });

  it('leaves a delivery already at this version alone, unless it was a dry run and this is not', () => {
    expect(
      planDelivery(closeRecord('lead_1'), 'meta', { ...pending, status: 'delivered', attempts: 1 }, options)
        ?.write,
    ).toBe(false);
    const dry = { ...pending, status: 'skipped:dry_run' as const, attempts: 1 };
    expect(planDelivery(closeRecord('lead_1'), 'meta', dry, options)?.write).toBe(true);
    expect(planDelivery(closeRecord('lead_1'), 'meta', dry, { ...options, dryRun: true })?.write).toBe(false);
  });
});

describe('give-up rules', () => {
  const retry = { kind: 'retry' as const, code: 'HTTP_503', message: 'down' };

  it('counts the attempts and the age of the current run of retries', () => {
    const first = deliveryAfterOutcome(pending, retry, { now: T0, random: () => 1 });
    expect(first.retrying).toEqual({ since: T0, fromAttempt: 0 });
    const second = deliveryAfterOutcome(first, retry, { now: T0 + HOUR, random: () => 1 });
    expect(second).toMatchObject({ status: 'retry', attempts: 2, retrying: { since: T0, fromAttempt: 0 } });
  });

  it('gives up once retrying longer than RETRY_GIVE_UP_MS, whatever the attempt count', () => {
    const retrying: DeliveryRecord = {
      ...pending,
      status: 'retry',
      attempts: 3,
      retrying: { since: T0, fromAttempt: 0 },
    };
    expect(
      deliveryAfterOutcome(retrying, retry, { now: T0 + RETRY_GIVE_UP_MS - 1, random: () => 1 }).status,
    ).toBe('retry');
    const given = deliveryAfterOutcome(retrying, retry, { now: T0 + RETRY_GIVE_UP_MS, random: () => 1 });
    expect(given).toMatchObject({ status: 'failed:retries_exhausted', lastErrorCode: 'HTTP_503' });
    expect(given.lastError).toContain('72 h of retries (4 attempts)');
    expect(given.retrying).toBeUndefined();
  });

  it('gives a failed delivery revived by retryNow a fresh budget, keeping its attempt count', () => {
    const failed: DeliveryRecord = { ...pending, status: 'failed:retries_exhausted', attempts: MAX_ATTEMPTS };
    const revived = deliveryAfterOutcome(failed, retry, { now: T0 + DAY, random: () => 1 });
    expect(revived).toMatchObject({
      status: 'retry',
      attempts: MAX_ATTEMPTS + 1,
      nextAttemptAt: T0 + DAY + 60_000,
      retrying: { since: T0 + DAY, fromAttempt: MAX_ATTEMPTS },
    });
  });

  it('drops the retry budget once the delivery leaves retry', () => {
    const retrying: DeliveryRecord = { ...pending, status: 'retry', retrying: { since: T0, fromAttempt: 0 } };
    expect(
      deliveryAfterOutcome(retrying, { kind: 'delivered' }, { now: T0, random: () => 0 }).retrying,
    ).toBeUndefined();
  });
});
