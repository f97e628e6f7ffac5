import type { Config } from '../config';
import { createGa4Destination } from './ga4';
import { createGoogleAdsDestination } from './google-ads';
import { createMetaDestination } from './meta';
import { createTiktokDestination } from './tiktok';
import type { Destination } from './types';

export type DestinationDependencies = { fetch: typeof fetch; now: () => number };

/**
 * The enabled destinations, built once per runtime. A destination whose credentials are absent is
 * `undefined` in config (lib/config.ts lists it in `disabled`, reported at start-up) and is left out.
 * The one place that lists destinations: a new one is a folder plus one line here.
 */
export function createDestinations(config: Config, dependencies: DestinationDependencies): Destination[] {
  const destinations: Destination[] = [];
  if (config.googleAds) destinations.push(createGoogleAdsDestination(config.googleAds, dependencies));
  if (config.meta) destinations.push(createMetaDestination(config.meta, dependencies));
  if (config.ga4) destinations.push(createGa4Destination(config.ga4, dependencies));
  if (config.tiktok) destinations.push(createTiktokDestination(config.tiktok, dependencies));
  return destinations;
}
