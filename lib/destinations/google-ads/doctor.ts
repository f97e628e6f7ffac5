import { type DoctorCall, type DoctorCheck, DoctorFailure, runCheck } from '../../doctor/types';
import { ConfigurationError } from '../../errors';
import { sha256Hex } from '../../leads/hash';
import type { DestinationDependencies } from '../definition';
import { classifyDataManagerResponse } from './data-manager/errors';
import type { DataManagerEvent, DestinationReference } from './data-manager/event';
import { buildDataManagerRequest, type DataManagerSettings } from './data-manager/request';
import type { GoogleTokenProvider } from './oauth';
import type { GoogleAdsConfig } from './settings';
import { createGoogleTransport, failUnauthenticated } from './token-transport';

const TARGET = 'google-ads';
const ACTION_VARIABLES: Record<DestinationReference, string> = {
  won: 'GOOGLE_ADS_CONVERSION_ACTION_WON',
  lost: 'GOOGLE_ADS_CONVERSION_ACTION_LOST',
  purchase: 'GOOGLE_ADS_CONVERSION_ACTION_PURCHASE',
};

/** One synthetic event for one conversion action: a hashed example address, nobody's. */
function syntheticEvent(reference: DestinationReference, now: number): DataManagerEvent {
  const at = new Date(now).toISOString();
  return {
    destinationReferences: [reference],
    transactionId: `doctor-${reference}-${now}`,
    eventTimestamp: at,
    lastUpdatedTimestamp: at,
    conversionValue: 1,
    currency: 'USD',
    eventSource: 'OTHER',
    userData: { userIdentifiers: [{ emailAddress: sha256Hex('doctor@example.com') }] },
    consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
  };
}

/**
 * Google: the OAuth refresh, then (Data Manager) one `events:ingest` with `validateOnly: true` per
 * configured conversion action, one synthetic event each — validated by Google, not executed
 * (ingestion_service.proto: "Only errors are returned, not results"). With GOOGLE_ADS_UPLOAD_API=ads only
 * the token is proven (the Ads API has no validate-only call without a real click ID).
 */
export function createGoogleDoctor(
  config: GoogleAdsConfig,
  tokens: GoogleTokenProvider,
  dependencies: DestinationDependencies,
): (call: DoctorCall) => Promise<DoctorCheck[]> {
  return async (call) => {
    const token = await runCheck(
      TARGET,
      'OAuth token refresh',
      ['GOOGLE_ADS_REFRESH_TOKEN', 'GOOGLE_ADS_CLIENT_ID', 'GOOGLE_ADS_CLIENT_SECRET'],
      async () => {
        await tokens.getAccessToken(call.deadline);
        return 'access token refreshed';
      },
    );
    if (!token.ok || config.uploadApi === 'ads') return [token];
    const settings: DataManagerSettings = {
      customerId: config.customerId,
      loginCustomerId: config.loginCustomerId,
      actions: {
        won: config.conversionActionWon,
        lost: config.conversionActionLost,
        purchase: config.conversionActionPurchase,
      },
      baseUrl: config.dataManagerBaseUrl,
      clickWindowMs: 0,
    };
    const transport = createGoogleTransport({ tokens, ...dependencies });
    const now = dependencies.now;
    const references = (['won', 'lost', 'purchase'] as const).filter(
      (reference) => settings.actions[reference] !== undefined,
    );
    const checks = await Promise.all(
      references.map((reference) =>
        runCheck(
          TARGET,
          `events:ingest validateOnly (${reference})`,
          [ACTION_VARIABLES[reference], 'GOOGLE_ADS_CUSTOMER_ID'],
          async () => {
            const request = buildDataManagerRequest([syntheticEvent(reference, now())], settings);
            const { response } = await transport(
              { url: request.url, headers: {}, body: { ...(request.body as object), validateOnly: true } },
              call.deadline,
            );
            const verdict = failUnauthenticated(classifyDataManagerResponse(response, now()), 'Data Manager');
            if (verdict.kind === 'accepted') {
              return `conversion action ${settings.actions[reference]} takes the event (validated, not recorded)`;
            }
            if (verdict.kind === 'error') {
              if (verdict.error instanceof ConfigurationError) {
                // One action per request: of the conversion actions, only this one can be at fault.
                const named = verdict.error.variables.filter(
                  (name) =>
                    !name.startsWith('GOOGLE_ADS_CONVERSION_ACTION_') || name === ACTION_VARIABLES[reference],
                );
                throw new DoctorFailure(verdict.error.message, named);
              }
              throw new DoctorFailure(verdict.error.message, [
                ACTION_VARIABLES[reference],
                'GOOGLE_ADS_CUSTOMER_ID',
              ]);
            }
            throw new DoctorFailure(
              `Data Manager refused the synthetic event for ${ACTION_VARIABLES[reference]} (HTTP ${response.status})`,
              [ACTION_VARIABLES[reference]],
            );
          },
        ),
      ),
    );
    return [token, ...checks];
  };
}
