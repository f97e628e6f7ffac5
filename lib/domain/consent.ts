/** Consent as captured; Google's two Consent Mode signals default to the marketing choice. */
export type ConsentRecord = {
  analytics: boolean;
  personalization: boolean;
  marketing: boolean;
  adUserData: boolean;
  adPersonalization: boolean;
  id?: string;
};
