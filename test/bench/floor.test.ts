import { describe, expect, it } from 'vitest';
import { computeFloor, type RoundTrip } from '../../bench/floor';
import { DEFAULT_LATENCY, type LatencyModel } from '../../bench/latency-model';
import { HUBSPOT_CLOSE_ROUND_TRIPS, SALESFORCE_CLOSE_ROUND_TRIPS } from '../../bench/round-trips';

const LATENCY: LatencyModel = { ...DEFAULT_LATENCY, dynamodb: 5, hubspot: 100, datamanager: 250, meta: 200 };

const trip = (id: string, service: RoundTrip['service'], after: string[] = []): RoundTrip => ({
  id,
  service,
  call: id,
  why: 'test',
  after,
});

describe('computeFloor', () => {
  it('adds latencies along the longest chain of waits, with independent trips side by side', () => {
    const floor = computeFloor(
      [
        trip('read', 'dynamodb'),
        trip('crm', 'hubspot'),
        trip('write', 'dynamodb', ['read', 'crm']),
        trip('google', 'datamanager', ['write']),
        trip('meta', 'meta', ['write']),
        trip('record', 'dynamodb', ['google', 'meta']),
      ],
      LATENCY,
    );

    expect(floor.answerMs).toBe(100 + 5 + 250 + 5);
    expect(floor.lastUploadMs).toBe(100 + 5 + 250);
    expect(floor.waves).toEqual([['read', 'crm'], ['write'], ['google', 'meta'], ['record']]);
    expect(floor.schedule.meta).toEqual({ start: 105, end: 305 });
    expect(floor.calls).toEqual({ dynamodb: 3, hubspot: 1, datamanager: 1, meta: 1 });
  });

  it('lets a trip start only when the slowest trip it waits for has answered', () => {
    const floor = computeFloor(
      [trip('fast', 'dynamodb'), trip('slow', 'datamanager'), trip('next', 'dynamodb', ['fast', 'slow'])],
      LATENCY,
    );

    expect(floor.schedule.next).toEqual({ start: 250, end: 255 });
    expect(floor.answerMs).toBe(255);
  });

  it('has no upload time when no trip is an upload', () => {
    expect(computeFloor([trip('read', 'dynamodb')], LATENCY)).toMatchObject({ answerMs: 5, lastUploadMs: 0 });
  });

  it('refuses a dependency on an unknown trip, a repeated id and a cycle', () => {
    expect(() => computeFloor([trip('a', 'dynamodb', ['ghost'])], LATENCY)).toThrow(/unknown "ghost"/);
    expect(() => computeFloor([trip('a', 'dynamodb'), trip('a', 'meta')], LATENCY)).toThrow(/twice/);
    expect(() => computeFloor([trip('a', 'dynamodb', ['b']), trip('b', 'dynamodb', ['a'])], LATENCY)).toThrow(
      /cycle/,
    );
  });
});

describe('the webhook floors', () => {
  it('HubSpot: 8 DynamoDB calls and 5 HTTP requests, the contact read beside the stored-state read', () => {
    const floor = computeFloor(HUBSPOT_CLOSE_ROUND_TRIPS, DEFAULT_LATENCY);

    expect(floor.calls).toEqual({ dynamodb: 8, hubspot: 3, datamanager: 1, meta: 1 });
    expect(floor.waves[0]).toEqual(['dedupe']);
    expect(floor.waves[1]).toEqual(['deal', 'associations']);
    expect(floor.waves[2]).toEqual(['contact', 'state']);
    // receipts → deal ‖ associations → contact → close → Data Manager → its delivery (with its check) → planned
    expect(floor.answerMs).toBe(5 + 120 + 120 + 5 + 250 + 5 + 5);
    expect(floor.lastUploadMs).toBe(5 + 120 + 120 + 5 + 250);
  });

  it('Salesforce: 7 DynamoDB calls, every key read at once', () => {
    const floor = computeFloor(SALESFORCE_CLOSE_ROUND_TRIPS, DEFAULT_LATENCY);

    expect(floor.calls).toEqual({ dynamodb: 7, datamanager: 1, meta: 1 });
    expect(floor.answerMs).toBe(5 + 5 + 250 + 5 + 5);
  });

  it('gives every trip a reason', () => {
    for (const trip of [...HUBSPOT_CLOSE_ROUND_TRIPS, ...SALESFORCE_CLOSE_ROUND_TRIPS]) {
      expect(trip.why.length, trip.id).toBeGreaterThan(20);
    }
  });
});
