import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY, parseLatencyModel } from '../../bench/latency-model';

describe('parseLatencyModel', () => {
  it('keeps the defaults without a spec', () => {
    expect(parseLatencyModel(undefined)).toEqual(DEFAULT_LATENCY);
    expect(parseLatencyModel('  ')).toEqual(DEFAULT_LATENCY);
  });

  it('overrides the named services only', () => {
    expect(parseLatencyModel('dynamodb=8, meta=150')).toEqual({ ...DEFAULT_LATENCY, dynamodb: 8, meta: 150 });
  });

  it('refuses an unknown service and a bad number, naming them', () => {
    expect(() => parseLatencyModel('dynamo=5')).toThrow(/unknown service "dynamo"/);
    expect(() => parseLatencyModel('meta=-1')).toThrow(/meta needs a number/);
    expect(() => parseLatencyModel('meta=')).toThrow(/meta needs a number/);
  });
});
