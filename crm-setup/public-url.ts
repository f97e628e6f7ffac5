import type { Config } from '../lib/config';
import { ConfigurationError } from '../lib/errors';

/**
 * The origin both CRMs call, from the connector's own PUBLIC_BASE_URL (the value HubSpot signatures are
 * checked against), so the URL written into a CRM and the URL the connector verifies cannot differ.
 * Both CRMs refuse plain HTTP for production endpoints: HubSpot's target URL must be public HTTPS.
 */
export function publicBaseUrlFor(config: Pick<Config, 'publicBaseUrl'>): string {
  const base = config.publicBaseUrl;
  if (base === undefined) {
    throw new ConfigurationError(
      'PUBLIC_BASE_URL is required: the https origin of your deployment (npx osls info prints it)',
      ['PUBLIC_BASE_URL'],
    );
  }
  const url = new URL(base);
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(
      `PUBLIC_BASE_URL must be an https origin without query or fragment: ${base}`,
      ['PUBLIC_BASE_URL'],
    );
  }
  return base.replace(/\/+$/, '');
}
