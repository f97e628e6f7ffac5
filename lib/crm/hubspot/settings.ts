import { defineSettings, optionalText, optionalUrl, requireAll, textWithDefault } from '../../settings';

/** HubSpot CRM API versions: objects and pipelines stay on v3. */
export const HUBSPOT_CRM_API_VERSION = 'v3';
/** Associations moved to v4 (the v3 associations API is frozen). */
export const HUBSPOT_ASSOCIATIONS_API_VERSION = 'v4';

export type HubspotConfig = {
  /** Verifies webhook signatures; without it the webhook route refuses every call. */
  clientSecret: string | undefined;
  /** Private-app token for enrichment and polling; without it, only what the webhook carries is used. */
  accessToken: string | undefined;
  apiBaseUrl: string;
  leadIdProperty: string;
};

/** HubSpot's variables; the webhook and the API are reported apart, since either works without the other. */
export const hubspotSettings = defineSettings({
  key: 'hubspot',
  entries: {
    HUBSPOT_CLIENT_SECRET: optionalText,
    HUBSPOT_ACCESS_TOKEN: optionalText,
    HUBSPOT_API_BASE_URL: optionalUrl('HUBSPOT_API_BASE_URL', 'https://api.hubapi.com'),
    HUBSPOT_LEAD_ID_PROPERTY: textWithDefault(
      'lead_id',
      /^[a-z0-9_]+$/i,
      'HUBSPOT_LEAD_ID_PROPERTY must be a HubSpot property name',
    ),
  },
  build(env, disabled): HubspotConfig {
    requireAll('hubspot-webhook', { HUBSPOT_CLIENT_SECRET: env.HUBSPOT_CLIENT_SECRET }, disabled);
    requireAll('hubspot-api', { HUBSPOT_ACCESS_TOKEN: env.HUBSPOT_ACCESS_TOKEN }, disabled);
    return {
      clientSecret: env.HUBSPOT_CLIENT_SECRET,
      accessToken: env.HUBSPOT_ACCESS_TOKEN,
      apiBaseUrl: env.HUBSPOT_API_BASE_URL,
      leadIdProperty: env.HUBSPOT_LEAD_ID_PROPERTY,
    };
  },
});
