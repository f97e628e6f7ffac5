import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/leads/hash';
import { normaliseExternalId } from '../../lib/leads/normalise-external-id';

describe('normaliseExternalId', () => {
  it.each([
    ['Lead-ABC', 'lead-abc'],
    ['  cust_abc123 ', 'cust_abc123'],
    ['lead_1', 'lead_1'],
  ])('trims and lowercases %j to %j', (raw, expected) => {
    expect(normaliseExternalId(raw)).toBe(expected);
  });

  it('gives one hash for every spelling of the same ID', () => {
    // `printf '%s' lead-abc | sha256sum`
    const expected = '3539ce2296ea7e2c0c3482cb587c590fd0afde399817a0997f244c4371a3e45a';

    expect(sha256Hex(normaliseExternalId('Lead-ABC'))).toBe(expected);
    expect(sha256Hex(normaliseExternalId(' LEAD-abc '))).toBe(expected);
  });
});
