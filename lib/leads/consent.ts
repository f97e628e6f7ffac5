import type { ConsentRecord } from '../domain';
import type { Consent } from '../events/common';

/**
 * The seed's consent object as stored. Google's Consent Mode v2 signals (ad_user_data,
 * ad_personalization) fall back to `marketing`: both govern advertising use of the user's data.
 */
export function toConsentRecord(consent: Consent | undefined): ConsentRecord | undefined {
  if (!consent) return undefined;
  return {
    analytics: consent.analytics,
    personalization: consent.personalization,
    marketing: consent.marketing,
    adUserData: consent.ad_user_data ?? consent.marketing,
    adPersonalization: consent.ad_personalization ?? consent.marketing,
    ...(consent.id ? { id: consent.id } : {}),
  };
}
