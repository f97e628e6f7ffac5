import { describe, expect, it } from 'vitest';
import { usStateCode } from '../../lib/leads/us-states';

describe('usStateCode', () => {
  it.each([
    ['California', 'CA'],
    ['Calif.', 'CA'],
    ['Mass.', 'MA'],
    ['N. Mex.', 'NM'],
    ['N.Mex.', 'NM'],
    ['W. Va.', 'WV'],
    ['NewYork', 'NY'],
    ['n.y.', 'NY'],
    ['AP', 'AP'],
    ['Washington, D.C.', 'DC'],
  ])('reads %j as %s', (raw, expected) => {
    expect(usStateCode(raw)).toBe(expected);
  });

  it.each([['Ontario'], ['ZZ'], ['Calfornia'], ['']])('knows no state %j', (raw) => {
    expect(usStateCode(raw)).toBeUndefined();
  });
});
