import type { Config } from '../config';
import { checkHubspot } from '../crm/hubspot/doctor';
import { checkSalesforce } from '../crm/salesforce/doctor';
import type { DestinationDependencies } from '../destinations/definition';
import { createGa4Doctor } from '../destinations/ga4/doctor';
import { createGoogleDoctor } from '../destinations/google-ads/doctor';
import { createGoogleTokenProvider } from '../destinations/google-ads/oauth';
import { createMetaDoctor } from '../destinations/meta/doctor';
import { createTiktokDoctor } from '../destinations/tiktok/doctor';
import type { CrmDoctorCall, DoctorCall, DoctorCheck } from './types';

/**
 * Each integration's own check (the `doctor.ts` in its folder), by its name: a new destination or CRM
 * adds its check there and one line here. Only the doctor (functions/doctor.ts, `npm run doctor`) imports
 * this list, so the other functions' bundles carry none of it (test/deploy holds each under 400 KB).
 */
type DestinationDoctor = (call: DoctorCall) => Promise<DoctorCheck[]>;

export const DESTINATION_DOCTORS: Readonly<
  Record<string, (config: Config, dependencies: DestinationDependencies) => DestinationDoctor | undefined>
> = {
  'google-ads': (config, dependencies) => {
    const google = config.googleAds;
    if (!google) return undefined;
    const tokens = createGoogleTokenProvider({
      tokenUrl: google.oauthTokenUrl,
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      refreshToken: google.refreshToken,
      ...dependencies,
    });
    return createGoogleDoctor(google, tokens, dependencies);
  },
  meta: (config, dependencies) => (config.meta ? createMetaDoctor(config.meta, dependencies) : undefined),
  ga4: (config, dependencies) => (config.ga4 ? createGa4Doctor(config.ga4, dependencies) : undefined),
  tiktok: (config, dependencies) =>
    config.tiktok ? createTiktokDoctor(config.tiktok, dependencies) : undefined,
};

export const CRM_DOCTORS: Readonly<
  Record<string, (config: Config, call: CrmDoctorCall) => Promise<DoctorCheck[]>>
> = {
  hubspot: (config, call) => checkHubspot(config.hubspot, call),
  salesforce: (config, call) => checkSalesforce(config.salesforce, call),
};
