import type { RequestDescription } from '../types';
import { type Ga4Row, ga4RequestBody } from './event';
import type { Ga4Settings } from './settings';

/** The request without the API secret (the client adds it; it is never recorded). */
export function buildGa4Request(rows: readonly Ga4Row[], settings: Ga4Settings): RequestDescription {
  return {
    method: 'POST',
    url: `${settings.baseUrl}/mp/collect?measurement_id=${encodeURIComponent(settings.measurementId)}`,
    body: ga4RequestBody(rows),
  };
}
