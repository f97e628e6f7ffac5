import { describe, expect, it } from 'vitest';
import { toAdsDateTime } from '../../../lib/destinations/google-ads/formats';

describe('toAdsDateTime', () => {
  it('writes yyyy-mm-dd hh:mm:ss+00:00', () => {
    expect(toAdsDateTime(Date.parse('2026-11-20T09:05:07.900Z'))).toBe('2026-11-20 09:05:07+00:00');
  });
});
