import { type DealLifecycleMarks, type DealPointer, deletionApplies, restoreApplies } from '../../domain';
import { eventAction, isDealEvent, type SubscriptionEvent } from './webhook-payload';

/**
 * HubSpot's deal lifecycle events (pure): `deal.merge` / `object.merge`, `deal.deletion` /
 * `object.deletion` and `deal.restore` / `object.restore` on object type 0-3 (reference §7), and what they
 * do to the deals' pointers and closes.
 *
 * - A merge: HubSpot creates a new deal from the originals, and the old IDs read as it. The merged deal
 *   takes the one close of whichever original was recorded — the primary's first, as HubSpot gives it
 *   priority — with its key and so every platform's IDs; another original's close (the same sale counted
 *   twice) is taken back as deleted. Every old ID's pointer leads to the kept close, marked merged, so a
 *   late event about it lands there and never starts a second conversion.
 * - A deletion takes the deal's close back (`deleted`): unsent deliveries are cancelled, sent ones
 *   retracted where the platform can. An old ID of a merged deal is not deleted by it.
 * - A restore puts the close back: with API access the deal is read and mapped as it now is, else the
 *   close returns to the version before its deletion.
 *
 * The pointers' marks order events that arrive late or out of order: a deletion older than the last
 * restore (or the reverse) changes nothing.
 */
export type DealLifecycleEvent =
  | {
      kind: 'merge';
      eventId: string;
      at: number;
      /** The deal the merge resulted in. */
      dealId: string;
      /** The originals, the primary first; never the resulting deal. */
      originalIds: string[];
    }
  | { kind: 'deletion' | 'restore'; eventId: string; at: number; dealId: string };

/** The lifecycle event a subscription event is, if it is one about a deal. */
export function dealLifecycleEvent(event: SubscriptionEvent): DealLifecycleEvent | undefined {
  if (!isDealEvent(event)) return undefined;
  const action = eventAction(event);
  const base = { eventId: event.eventId, at: event.occurredAt };
  if (action === 'merge') {
    const dealId = event.newObjectId ?? event.primaryObjectId ?? event.objectId;
    if (dealId === undefined) return undefined;
    const originalIds = [
      ...new Set(
        [event.primaryObjectId, ...(event.mergedObjectIds ?? []), event.objectId].filter(
          (id): id is string => id !== undefined && id !== dealId,
        ),
      ),
    ];
    return { ...base, kind: 'merge', dealId, originalIds };
  }
  if ((action === 'deletion' || action === 'restore') && event.objectId !== undefined) {
    return { ...base, kind: action, dealId: event.objectId };
  }
  return undefined;
}

/** Every deal ID the events name, whose pointers the plan needs. */
export function lifecycleDealIds(events: readonly DealLifecycleEvent[]): string[] {
  return [
    ...new Set(
      events.flatMap((event) => [event.dealId, ...(event.kind === 'merge' ? event.originalIds : [])]),
    ),
  ];
}

export type PointerWrite = { dealId: string; subjectKey?: string; marks: DealLifecycleMarks };

export type LifecyclePlan = {
  /**
   * Merged deals' pointers, written first: the merged deal's reading must find its close. The other
   * writes come after the closes are recorded, so that an interrupted merge, done again, still knows which
   * close each original had.
   */
  mergedPointers: PointerWrite[];
  pointerWrites: PointerWrite[];
  /** What happens to each close, the latest event's word (by subject key). */
  closes: Map<string, { action: 'delete' | 'restore'; at: number }>;
  /** Deals to read and map as they now are (with API access): merged deals, restored deals. */
  reads: { dealId: string; eventIds: string[]; at: number }[];
};

/**
 * What the events come to, in the order they happened (pure). `pointers` are the deals' pointers as
 * stored; the plan reads its own writes, so a merge and a deletion in one batch see each other.
 */
export function planDealLifecycle(
  events: readonly DealLifecycleEvent[],
  stored: ReadonlyMap<string, DealPointer>,
  options: { apiAccess: boolean },
): LifecyclePlan {
  const pointers = new Map(stored);
  const plan: LifecyclePlan = { mergedPointers: [], pointerWrites: [], closes: new Map(), reads: [] };
  const write = (
    dealId: string,
    subjectKey: string | undefined,
    marks: DealLifecycleMarks,
    first = false,
  ) => {
    (first ? plan.mergedPointers : plan.pointerWrites).push({
      dealId,
      ...(subjectKey === undefined ? {} : { subjectKey }),
      marks,
    });
    const previous = pointers.get(dealId);
    pointers.set(dealId, {
      ...(previous ?? { crm: 'hubspot', dealId }),
      ...(subjectKey === undefined ? {} : { subjectKey }),
      ...marks,
    });
  };
  const read = (dealId: string, eventId: string, at: number) => {
    const existing = plan.reads.find((entry) => entry.dealId === dealId);
    if (existing) {
      existing.eventIds.push(eventId);
      existing.at = Math.max(existing.at, at);
    } else plan.reads.push({ dealId, eventIds: [eventId], at });
  };

  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    const pointer = pointers.get(event.dealId);
    if (event.kind === 'merge') {
      // An original merged into another deal before is that deal's business; into this one, a repeat.
      const recorded = event.originalIds
        .map((id) => pointers.get(id))
        .filter(
          (original) =>
            original?.subjectKey !== undefined &&
            (original.mergedInto === undefined || original.mergedInto === event.dealId),
        );
      const keep = pointer?.subjectKey ?? recorded[0]?.subjectKey;
      for (const id of event.originalIds) write(id, keep, { mergedInto: event.dealId, mergedAt: event.at });
      if (keep !== undefined) {
        write(event.dealId, keep, {}, true);
        for (const original of recorded) {
          const key = original?.subjectKey;
          if (key !== undefined && key !== keep) plan.closes.set(key, { action: 'delete', at: event.at });
        }
        // The merged deal exists: whatever an original's deletion did to the kept close, it stands.
        if (!options.apiAccess) plan.closes.set(keep, { action: 'restore', at: event.at });
      }
      if (options.apiAccess) read(event.dealId, event.eventId, event.at);
    } else if (event.kind === 'deletion') {
      if (!deletionApplies(pointer, event.at)) continue;
      write(event.dealId, undefined, { deletedAt: event.at });
      plan.closes.set(pointer?.subjectKey as string, { action: 'delete', at: event.at });
    } else {
      if (pointer?.mergedInto !== undefined || !restoreApplies(pointer, event.at)) continue;
      if (pointer?.subjectKey !== undefined) {
        write(event.dealId, undefined, { restoredAt: event.at });
        if (!options.apiAccess) plan.closes.set(pointer.subjectKey, { action: 'restore', at: event.at });
      }
      // Read as the deal now is: a restored deal never recorded may be a close to record.
      if (options.apiAccess) read(event.dealId, event.eventId, event.at);
    }
  }
  return plan;
}
