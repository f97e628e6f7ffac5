import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/leads/hash';

// Expected values computed independently with `printf '%s' <value> | sha256sum`.
describe('sha256Hex', () => {
  it.each([
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['cloudysanfrancisco@gmail.com', '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4'],
    ['+14155550100', '40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0'],
  ])('hashes %j to the known SHA-256 vector', (value, expected) => {
    expect(sha256Hex(value)).toBe(expected);
  });

  it('hashes the UTF-8 bytes of accented letters', () => {
    // "josé" with a precomposed é (6a 6f 73 c3 a9).
    expect(sha256Hex('jos\u00e9')).toBe('d994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866');
  });

  it('returns 64 lowercase hex characters', () => {
    expect(sha256Hex('')).toMatch(/^[0-9a-f]{64}$/);
  });
});
