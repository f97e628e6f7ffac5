import type { ConversionSubject, DealPointer, DeliveryRecord, LeadRecord } from '../domain';
import { type DeliveryRef, deliveryRefKey } from './deliveries';
import { keys } from './keys';
import { subjectPk } from './subjects';
import { type Item, type TableAccess, toRecord } from './table-access';

/**
 * One read across aggregates. A webhook knows several kinds of key at one moment — its receipts and deal
 * pointers; then a close, its lead and its deliveries — and DynamoDB's BatchGetItem takes any keys of the
 * table at once: one round trip instead of one per aggregate. Each aggregate's records come back as its
 * own verbs would give them (getReceipts, getDealPointers, getSubjects, getLeads, getDeliveries).
 */
export type StateRequest = {
  receipts?: { source: string; ids: readonly string[] };
  dealPointers?: { crm: string; dealIds: readonly string[] };
  subjects?: readonly string[];
  leads?: readonly string[];
  deliveries?: readonly DeliveryRef[];
  /** Suppression hashes (lib/erasure/suppression.ts): those found are erased people's. */
  suppressions?: readonly string[];
};

export type StoredState = {
  /** Receipt IDs already recorded. */
  receipts: Set<string>;
  /** Deal ID → its pointer (the close it became, its lifecycle marks), as getDealPointerRecords gives it. */
  dealPointers: Map<string, DealPointer>;
  subjects: Map<string, ConversionSubject>;
  leads: Map<string, LeadRecord>;
  /** By `deliveryRefKey`. */
  deliveries: Map<string, DeliveryRecord>;
  /** The suppression hashes asked for that are stored. */
  suppressed: Set<string>;
};

export type StateStore = {
  /** Everything the request names, in one BatchGetItem per 100 keys (those side by side). */
  getState(request: StateRequest): Promise<StoredState>;
};

type Slot =
  | { kind: 'receipt'; id: string }
  | { kind: 'dealPointer'; dealId: string }
  | { kind: 'subject' }
  | { kind: 'lead' }
  | { kind: 'delivery' }
  | { kind: 'suppression'; hash: string };

function slotsOf(request: StateRequest): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  for (const id of request.receipts?.ids ?? []) {
    slots.set(keys.receipt(request.receipts?.source ?? '', id), { kind: 'receipt', id });
  }
  for (const dealId of request.dealPointers?.dealIds ?? []) {
    slots.set(keys.deal(request.dealPointers?.crm ?? '', dealId), { kind: 'dealPointer', dealId });
  }
  for (const subjectKey of request.subjects ?? []) slots.set(subjectPk(subjectKey), { kind: 'subject' });
  for (const leadId of request.leads ?? []) slots.set(keys.lead(leadId), { kind: 'lead' });
  for (const ref of request.deliveries ?? []) slots.set(deliveryRefKey(ref), { kind: 'delivery' });
  for (const hash of request.suppressions ?? [])
    slots.set(keys.suppression(hash), { kind: 'suppression', hash });
  return slots;
}

export function emptyState(): StoredState {
  return {
    receipts: new Set(),
    dealPointers: new Map(),
    subjects: new Map(),
    leads: new Map(),
    deliveries: new Map(),
    suppressed: new Set(),
  };
}

export function createStateStore(table: TableAccess): StateStore {
  return {
    async getState(request) {
      const slots = slotsOf(request);
      const state = emptyState();
      if (slots.size === 0) return state;
      const items: Item[] = await table.batchGet([...slots.keys()]);
      for (const item of items) {
        const pk = String(item.pk);
        const slot = slots.get(pk);
        if (!slot) continue;
        if (slot.kind === 'receipt') state.receipts.add(slot.id);
        else if (slot.kind === 'suppression') state.suppressed.add(slot.hash);
        else if (slot.kind === 'dealPointer')
          state.dealPointers.set(slot.dealId, toRecord<DealPointer>(item));
        else if (slot.kind === 'subject') {
          const subject = toRecord<ConversionSubject>(item);
          state.subjects.set(subject.subjectKey, subject);
        } else if (slot.kind === 'lead') {
          const lead = toRecord<LeadRecord>(item);
          state.leads.set(lead.leadId, lead);
        } else state.deliveries.set(pk, toRecord<DeliveryRecord>(item));
      }
      return state;
    },
  };
}
