import {
  choiceWithDefault,
  defineSettings,
  optionalMatching,
  optionalText,
  optionalUrl,
  requireAll,
} from '../../settings';

/** `close_convert_lead` (won; lost deals as `close_unconvert_lead`) or one `lead_closed` event. */
export type Ga4LeadClosedEvent = 'close_convert_lead' | 'lead_closed';

/**
 * Without a captured `_ga` cookie: `none` skips the event (`skipped:no_client_id`); `user_id` derives a
 * stable client_id from a hash of the user's (or lead's) ID.
 */
export type Ga4ClientIdFallback = 'none' | 'user_id';

export type Ga4Config = {
  measurementId: string;
  apiSecret: string;
  baseUrl: string;
  leadClosedEvent: Ga4LeadClosedEvent;
  clientIdFallback: Ga4ClientIdFallback;
};

/** What the mapping and the recorded request may see: everything but the API secret. */
export type Ga4Settings = Omit<Ga4Config, 'apiSecret'>;

export const ga4Settings = defineSettings({
  key: 'ga4',
  entries: {
    GA4_MEASUREMENT_ID: optionalMatching(
      /^G-[A-Z0-9]+$/,
      'GA4_MEASUREMENT_ID must be a web stream measurement ID like G-XXXXXXXXXX',
    ),
    GA4_API_SECRET: optionalText,
    GA4_BASE_URL: optionalUrl('GA4_BASE_URL', 'https://www.google-analytics.com'),
    GA4_LEAD_CLOSED_EVENT: choiceWithDefault(
      ['close_convert_lead', 'lead_closed'],
      'close_convert_lead',
      'GA4_LEAD_CLOSED_EVENT must be close_convert_lead or lead_closed',
      (value) => value.toLowerCase(),
    ),
    GA4_CLIENT_ID_FALLBACK: choiceWithDefault(
      ['none', 'user_id'],
      'none',
      'GA4_CLIENT_ID_FALLBACK must be none or user_id',
      (value) => value.toLowerCase(),
    ),
  },
  build(env, disabled): Ga4Config | undefined {
    const required = requireAll(
      'ga4',
      { GA4_MEASUREMENT_ID: env.GA4_MEASUREMENT_ID, GA4_API_SECRET: env.GA4_API_SECRET },
      disabled,
    );
    if (!required) return undefined;
    return {
      measurementId: required.GA4_MEASUREMENT_ID,
      apiSecret: required.GA4_API_SECRET,
      baseUrl: env.GA4_BASE_URL,
      leadClosedEvent: env.GA4_LEAD_CLOSED_EVENT,
      clientIdFallback: env.GA4_CLIENT_ID_FALLBACK,
    };
  },
});
