import { loadConfig } from '../../lib/config';
import { createDestinations } from '../../lib/destinations/registry';
import type { Conversion, Destination, RowDecision } from '../../lib/destinations/types';
import { createClock } from './clock';
import { ACCOUNTS } from './platforms';

/** Every destination as a deployment with everything configured builds them (no network is used). */
export function allDestinations(
  env: Record<string, string> = {},
  now: () => number = createClock().now,
): Map<string, Destination> {
  const config = loadConfig({
    GOOGLE_ADS_CUSTOMER_ID: ACCOUNTS.customerId,
    GOOGLE_ADS_CLIENT_ID: 'client',
    GOOGLE_ADS_CLIENT_SECRET: 'secret',
    GOOGLE_ADS_REFRESH_TOKEN: 'refresh',
    GOOGLE_ADS_CONVERSION_ACTION_WON: ACCOUNTS.won,
    GOOGLE_ADS_CONVERSION_ACTION_LOST: ACCOUNTS.lost,
    GOOGLE_ADS_CONVERSION_ACTION_PURCHASE: ACCOUNTS.purchase,
    GOOGLE_ADS_MERCHANT_CENTER_ID: ACCOUNTS.merchantCenterId,
    META_PIXEL_ID: ACCOUNTS.pixelId,
    META_ACCESS_TOKEN: ACCOUNTS.metaToken,
    GA4_MEASUREMENT_ID: ACCOUNTS.ga4MeasurementId,
    GA4_API_SECRET: ACCOUNTS.ga4ApiSecret,
    TIKTOK_PIXEL_CODE: ACCOUNTS.tiktokPixel,
    TIKTOK_CRM_EVENT_SET_ID: ACCOUNTS.tiktokCrmEventSet,
    TIKTOK_ACCESS_TOKEN: ACCOUNTS.tiktokToken,
    ...env,
  });
  const fetchStub = (async () => {
    throw new Error('no network in mapping tests');
  }) as typeof fetch;
  return new Map(createDestinations(config, { fetch: fetchStub, now }).map((d) => [d.name, d]));
}

/** The destination's decision for a conversion, through its registered mapping. */
export function decideFor(destination: Destination, conversion: Conversion): RowDecision<unknown> {
  const mapping = destination.mappings[conversion.type] as
    | ((input: Conversion) => RowDecision<unknown>)
    | undefined;
  if (!mapping) throw new Error(`${destination.name} has no ${conversion.type} mapping`);
  return mapping(conversion);
}

export function sentRow(decision: RowDecision<unknown>): unknown {
  if (decision.kind !== 'send') throw new Error(`expected send, got ${JSON.stringify(decision)}`);
  return decision.row;
}
