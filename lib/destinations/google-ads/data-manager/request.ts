import type { RequestDescription } from '../../types';
import { conversionActionFor, type GoogleActions } from '../rules';
import { DATA_MANAGER_API_VERSION } from '../version';
import { actionOfReference, type DataManagerEvent } from './event';

export type DataManagerSettings = {
  customerId: string;
  loginCustomerId: string | undefined;
  actions: GoogleActions;
  baseUrl: string;
  /** GOOGLE_ADS_CLICK_WINDOW_DAYS in ms: the conversion actions' click-through window. */
  clickWindowMs: number;
};

function productAccount(accountId: string) {
  return { accountId, accountType: 'GOOGLE_ADS' as const };
}

/**
 * The `events:ingest` body. Won, lost and purchase events share one request: each Destination has a `reference`
 * and each event names its own in `destinationReferences` (an event without one would go to every
 * destination of the request; ≤ 10 destinations a request). So 5,000 closes are 3 requests whatever
 * their outcomes.
 */
export function buildDataManagerRequest(
  events: readonly DataManagerEvent[],
  settings: DataManagerSettings,
): RequestDescription {
  const references = new Set(events.map((event) => event.destinationReferences[0]));
  // A stage's own action goes in a request of its own stage rows (its batch), so ≤ 10 destinations hold.
  const stageReferences = [...references].filter((reference) => actionOfReference(reference) !== undefined);
  const destinations = [
    ...(['won', 'lost', 'purchase'] as const).filter((reference) => references.has(reference)),
    ...stageReferences,
  ].map((reference) => ({
    reference,
    operatingAccount: productAccount(settings.customerId),
    ...(settings.loginCustomerId ? { loginAccount: productAccount(settings.loginCustomerId) } : {}),
    productDestinationId: (reference === 'purchase'
      ? settings.actions.purchase
      : (actionOfReference(reference) ??
        conversionActionFor(reference as 'won' | 'lost', settings.actions))) as string,
  }));
  return {
    method: 'POST',
    url: `${settings.baseUrl}/${DATA_MANAGER_API_VERSION}/events:ingest`,
    // HEX: our identifiers are lowercase hex SHA-256 (lib/leads/hash.ts); required with userData.
    body: { destinations, events, encoding: 'HEX' },
  };
}
