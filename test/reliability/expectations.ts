import type { PlannedClose } from './scenario';

/**
 * What each destination must end with for one close, decided from the scenario's inputs alone (pure): the
 * product's documented rules, restated in terms of what the lead and the CRM said, so that every skip the
 * connector records is explained by something the test itself chose. The order of the checks is the
 * platforms' (consent first, then the conversion action, then something to match the person on).
 */
export const DESTINATIONS = ['google-ads', 'meta', 'ga4', 'tiktok'] as const;
export type DestinationName = (typeof DESTINATIONS)[number];

export type Expected = { status: string; because: string };

const digits = (phone: string | undefined) => phone?.replace(/\D/g, '');

/**
 * What the connector knows about the person once the close is joined: the lead's identity, filled in by the
 * deal's contact only when the contact is the same person (a shared email or phone) — or, without a lead,
 * the contact alone (docs/match-quality.md, issue 16).
 */
function knownIdentity(close: PlannedClose) {
  // A lead that is captured (on time or late) is joined; one never captured is given up on after the wait.
  const lead = close.leadPlan === 'on_time' || close.leadPlan === 'late' ? close.lead : undefined;
  const person = lead?.person;
  const samePerson =
    close.contact !== undefined &&
    person !== undefined &&
    ((person.email !== undefined &&
      person.email.trim().toLowerCase() === close.contact.email.toLowerCase()) ||
      (person.phone !== undefined && digits(person.phone) === digits(close.contact.phone)));
  const contact = lead === undefined || samePerson ? close.contact : undefined;
  return {
    lead,
    email: Boolean(person?.email || contact?.email),
    phone: Boolean(person?.phone || contact?.phone),
    names: Boolean((person?.firstName || contact?.firstName) && (person?.lastName || contact?.lastName)),
    // Leads give a postal code with their country (US); contacts give neither.
    postalCode: Boolean(person?.postalCode),
    gclid: Boolean(lead?.clicks.gclid),
    fbclid: Boolean(lead?.clicks.fbclid),
    ga: Boolean(lead?.clicks.ga),
    ttclid: Boolean(lead?.clicks.ttclid),
    consent: lead?.consent,
  };
}

export function expectedDelivery(close: PlannedClose, destination: DestinationName): Expected {
  const first = expectedFirstDelivery(close, destination);
  // Google overwrites a conversion re-sent under its transactionId; the others keep the first value.
  if (close.revalue && first.status === 'delivered' && destination !== 'google-ads') {
    return {
      status: 'skipped:revalue_unsupported',
      because: 're-valued after it was sent; the platform has no conversion adjustment',
    };
  }
  return first;
}

/** Whether the platform got the close at all (its first version): it then holds one conversion for it. */
export function sentTo(close: PlannedClose, destination: DestinationName): boolean {
  const { status } = expectedFirstDelivery(close, destination);
  return status === 'delivered' || status === 'processed';
}

/** The value a platform ends with for a delivered close: Google's is the new one, the others keep the first. */
export function expectedValue(close: PlannedClose, destination: DestinationName): number {
  if (close.outcome === 'lost') return 0;
  return close.revalue && destination !== 'google-ads' ? close.revalue.fromAmount : close.amount;
}

/**
 * When the deal closed, as the connector can know it: the stage change, except for a Salesforce deal whose
 * re-valuation was reported before its close (the message it recorded is the re-valuation's).
 */
export function expectedClosedAt(close: PlannedClose): number {
  if (close.crm === 'salesforce' && close.outOfOrder?.state === 'revalued') return close.modifiedAt;
  return close.closedAt;
}

function expectedFirstDelivery(close: PlannedClose, destination: DestinationName): Expected {
  const known = knownIdentity(close);
  const delivered: Expected = { status: 'delivered', because: 'eligible' };
  const marketingRefused = known.consent?.marketing === false;
  switch (destination) {
    case 'google-ads': {
      if (marketingRefused) return { status: 'skipped:consent', because: 'lead refused marketing consent' };
      if (close.outcome === 'lost') {
        return {
          status: 'skipped:lost_not_configured',
          because: 'lost deal, no GOOGLE_ADS_CONVERSION_ACTION_LOST',
        };
      }
      const address = known.names && known.postalCode;
      // Data Manager takes the event, and its processing result (SUCCESS, the fake's default) is recorded.
      if (known.gclid || known.email || known.phone || address)
        return { status: 'processed', because: 'eligible, and Google processed it' };
      return { status: 'skipped:no_identifier', because: 'no gclid, email, phone or full address' };
    }
    case 'meta': {
      if (marketingRefused) return { status: 'skipped:consent', because: 'lead refused marketing consent' };
      if (known.email || known.phone || known.fbclid || (known.names && known.postalCode)) return delivered;
      return { status: 'skipped:no_identifier', because: 'no email, phone, fbclid or name + postal code' };
    }
    case 'ga4': {
      if (known.consent?.analytics === false) {
        return { status: 'skipped:consent', because: 'lead refused analytics consent' };
      }
      if (known.ga) return delivered;
      return {
        status: 'skipped:no_client_id',
        because: known.lead ? 'lead without a _ga cookie' : 'no lead joined, so no _ga cookie',
      };
    }
    case 'tiktok': {
      if (marketingRefused) return { status: 'skipped:consent', because: 'lead refused marketing consent' };
      if (known.email || known.phone || known.ttclid) return delivered;
      return { status: 'skipped:no_identifier', because: 'no email, phone or ttclid' };
    }
  }
}
