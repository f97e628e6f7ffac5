import { defineSettings, optionalText, optionalUrl, requireAll, textWithDefault } from '../../settings';

/**
 * HubSpot's date version of every CRM API path (`/crm/objects/<version>/…`, `/crm/associations/<version>/…`,
 * `/crm/pipelines/<version>/…`); HUBSPOT_API_VERSION overrides it. The numbered paths end: v4 on 2027-03-30,
 * v1 to v3 in September 2027 (reference §7, developers.hubspot.com/docs/api-reference/latest).
 */
export const HUBSPOT_API_VERSION = '2026-09';

export type HubspotConfig = {
  /** Verifies webhook signatures; without it the webhook route refuses every call. */
  clientSecret: string | undefined;
  /** Private-app token for enrichment and polling; without it, only what the webhook carries is used. */
  accessToken: string | undefined;
  apiBaseUrl: string;
  /** The date version in every CRM API path. */
  apiVersion: string;
  leadIdProperty: string;
  /** The deal→contact association label of a deal's primary contact; unset: the first contact. */
  primaryContactLabel?: string | undefined;
  /** The contact property holding the lead ID: a contact's lifecycle stage reaches that lead's stages. */
  contactLeadIdProperty: string;
};

/** HubSpot's variables; the webhook and the API are reported apart, since either works without the other. */
export const hubspotSettings = defineSettings({
  key: 'hubspot',
  entries: {
    HUBSPOT_CLIENT_SECRET: optionalText,
    HUBSPOT_ACCESS_TOKEN: optionalText,
    HUBSPOT_API_BASE_URL: optionalUrl('HUBSPOT_API_BASE_URL', 'https://api.hubapi.com'),
    HUBSPOT_API_VERSION: textWithDefault(
      HUBSPOT_API_VERSION,
      /^\d{4}-(03|09)(-beta)?$/,
      'HUBSPOT_API_VERSION must be a HubSpot date version like 2026-09',
    ),
    HUBSPOT_LEAD_ID_PROPERTY: textWithDefault(
      'lead_id',
      /^[a-z0-9_]+$/i,
      'HUBSPOT_LEAD_ID_PROPERTY must be a HubSpot property name',
    ),
    HUBSPOT_PRIMARY_CONTACT_LABEL: optionalText,
    HUBSPOT_CONTACT_LEAD_ID_PROPERTY: textWithDefault(
      'lead_id',
      /^[a-z0-9_]+$/i,
      'HUBSPOT_CONTACT_LEAD_ID_PROPERTY must be a HubSpot property name',
    ),
  },
  build(env, disabled): HubspotConfig {
    requireAll('hubspot-webhook', { HUBSPOT_CLIENT_SECRET: env.HUBSPOT_CLIENT_SECRET }, disabled);
    requireAll('hubspot-api', { HUBSPOT_ACCESS_TOKEN: env.HUBSPOT_ACCESS_TOKEN }, disabled);
    return {
      clientSecret: env.HUBSPOT_CLIENT_SECRET,
      accessToken: env.HUBSPOT_ACCESS_TOKEN,
      apiBaseUrl: env.HUBSPOT_API_BASE_URL,
      apiVersion: env.HUBSPOT_API_VERSION,
      leadIdProperty: env.HUBSPOT_LEAD_ID_PROPERTY,
      primaryContactLabel: env.HUBSPOT_PRIMARY_CONTACT_LABEL,
      contactLeadIdProperty: env.HUBSPOT_CONTACT_LEAD_ID_PROPERTY,
    };
  },
});
