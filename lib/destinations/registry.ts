import type { SliceConfigs } from '../settings';
import type { DestinationDependencies } from './definition';
import { ga4Destination } from './ga4';
import { googleAdsDestination } from './google-ads';
import { metaDestination } from './meta';
import { tiktokDestination } from './tiktok';
import type { Destination } from './types';

/**
 * The one list of destinations: a new one is a folder plus one line here. lib/config.ts reads each one's
 * settings from it (so a destination's variables are validated and its `disabled` entry reported with
 * everyone else's), and createDestinations builds the configured ones from it.
 */
export const DESTINATIONS = [
  googleAdsDestination,
  metaDestination,
  ga4Destination,
  tiktokDestination,
] as const;

/** Each destination's config slice, by its settings key; `undefined` when its credentials are absent. */
export type DestinationConfigs = SliceConfigs<(typeof DESTINATIONS)[number]['settings']>;

/**
 * The enabled destinations, built once per runtime. A destination whose credentials are absent is
 * `undefined` in config (listed in `disabled`, reported at start-up) and is left out.
 */
export function createDestinations(
  configs: DestinationConfigs,
  dependencies: DestinationDependencies,
): Destination[] {
  return DESTINATIONS.flatMap((definition) => definition.createIfConfigured(configs, dependencies) ?? []);
}
