import type { Destination } from '../destinations/types';
import { type DeliveryRef, deliveryRefKey } from '../store/deliveries';
import { emptyState, type StateRequest, type StoredState } from '../store/state';
import type { Store } from '../store/store';
import { leadKeysOf } from './subject-keys';

/**
 * What a round reads before it plans — the subjects not in hand, their stored deliveries, their leads —
 * and the same read made earlier by the caller, beside its own reads (a webhook reads them with its own
 * close read: one round trip for both). `request` says what was read, so that a key read and not found
 * is not read again.
 */
export type RoundState = { request: StateRequest; state: StoredState };

/** The deliveries and leads a round needs for these subjects, and the subjects themselves. */
export function roundStateRequest(
  destinations: readonly Pick<Destination, 'name'>[],
  subjectKeys: readonly string[],
): StateRequest {
  const keys = [...new Set(subjectKeys)];
  return {
    subjects: keys,
    deliveries: keys.flatMap((subjectKey) =>
      destinations.map((destination) => ({ subjectKey, destination: destination.name })),
    ),
    leads: leadKeysOf(keys),
  };
}

/** `needed` less what `prior` already asked for. */
export function unreadPart(needed: StateRequest, prior: StateRequest | undefined): StateRequest {
  if (!prior) return needed;
  const subjects = new Set(prior.subjects ?? []);
  const leads = new Set(prior.leads ?? []);
  const deliveries = new Set((prior.deliveries ?? []).map(deliveryRefKey));
  return {
    subjects: (needed.subjects ?? []).filter((key) => !subjects.has(key)),
    leads: (needed.leads ?? []).filter((key) => !leads.has(key)),
    deliveries: (needed.deliveries ?? []).filter((ref: DeliveryRef) => !deliveries.has(deliveryRefKey(ref))),
  };
}

function isEmpty(request: StateRequest): boolean {
  return (
    (request.subjects?.length ?? 0) + (request.leads?.length ?? 0) + (request.deliveries?.length ?? 0) === 0
  );
}

/** What `needed` names, from `prior` where it was read already and from one read of the rest. */
export async function readRoundState(
  store: Pick<Store, 'getState'>,
  needed: StateRequest,
  prior?: RoundState,
): Promise<StoredState> {
  const rest = unreadPart(needed, prior?.request);
  const read = isEmpty(rest) ? emptyState() : await store.getState(rest);
  if (!prior) return read;
  return {
    receipts: read.receipts,
    dealPointers: read.dealPointers,
    subjects: new Map([...prior.state.subjects, ...read.subjects]),
    leads: new Map([...prior.state.leads, ...read.leads]),
    deliveries: new Map([...prior.state.deliveries, ...read.deliveries]),
    suppressed: new Set([...prior.state.suppressed, ...read.suppressed]),
  };
}
