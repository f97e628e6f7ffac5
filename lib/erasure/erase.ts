import { type DealPointer, isCloseSubject, isOrderSubject, isStageSubject } from '../domain';
import type { ErasureStore } from '../store/erasure';
import type { Store } from '../store/store';
import type { ErasureRequest } from './input';
import { suppressionHashOfLeadId } from './suppression';

/**
 * Erasure of people (GDPR / CCPA requests; `erase` function, HubSpot `contact.privacyDeletion`): every item
 * tied to them is deleted — leads, closes, stages, orders, their deliveries, the closes' deal pointers and
 * deferred deals — and only suppression entries stay: the SHA-256 of each lead ID and each normalised email
 * (`SUPPRESSED#<sha256>`, no plaintext), so that a later capture or webhook for them stores nothing
 * (lib/erasure/suppression.ts). A person named by email is found by one bounded Scan of the table (no index
 * holds the hashes); one named by lead ID needs none. Safe to repeat: a second call deletes nothing more.
 */
export type ErasureSummary = {
  ok: true;
  deleted: {
    leads: number;
    closes: number;
    orders: number;
    stages: number;
    deliveries: number;
    dealPointers: number;
    deferredDeals: number;
  };
  /** The subject keys deleted (lead IDs are pseudonymous keys; no identifier is returned). */
  subjects: string[];
  suppressed: number;
  /** The email search: pages scanned, and whether the whole table was read before the deadline. */
  scan?: { pages: number; complete: boolean };
};

export type ErasureDeps = {
  store: Store;
  erasure: ErasureStore;
  /** Every destination name a delivery may carry (registered ones, enabled or not). */
  destinations: readonly string[];
  /** The stage subject keys a lead key may have (CONVERSION_STAGES). */
  stageKeysOf: (leadKey: string) => string[];
  now: () => number;
  deadline: number;
};

export async function erasePeople(request: ErasureRequest, deps: ErasureDeps): Promise<ErasureSummary> {
  const leadIds = new Set(request.leadIds);
  const subjectKeys = new Set<string>();
  let scan: ErasureSummary['scan'];
  if (request.emailHashes.length > 0) {
    scan = { pages: 0, complete: false };
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await deps.erasure.scanByEmailHashes(request.emailHashes, cursor);
      scan.pages++;
      for (const leadId of page.leadIds) leadIds.add(leadId);
      for (const key of page.subjectKeys) subjectKeys.add(key);
      cursor = page.cursor;
    } while (cursor && deps.now() < deps.deadline);
    scan.complete = cursor === undefined;
  }
  for (const leadId of leadIds) {
    subjectKeys.add(leadId);
    for (const key of deps.stageKeysOf(leadId)) subjectKeys.add(key);
  }
  const [leads, subjects] = await Promise.all([
    deps.store.getLeads([...leadIds]),
    deps.store.getSubjects([...subjectKeys]),
  ]);
  // A close found by its contact's email has stages under its own key too.
  for (const subject of subjects.values()) {
    if (isCloseSubject(subject)) {
      for (const key of deps.stageKeysOf(subject.subjectKey)) subjectKeys.add(key);
    }
  }
  const more = await deps.store.getSubjects([...subjectKeys].filter((key) => !subjects.has(key)));
  for (const [key, subject] of more) subjects.set(key, subject);

  const found = [...subjects.values()];
  const deliveries = await deps.store.getDeliveries(
    found.flatMap((subject) =>
      deps.destinations.map((destination) => ({ subjectKey: subject.subjectKey, destination })),
    ),
  );
  const closes = found.filter(isCloseSubject);
  const deals = await dealsOf(deps.store, closes);

  await Promise.all([
    ...[...deliveries.values()].map((delivery) =>
      deps.erasure.deleteDelivery(delivery.subjectKey, delivery.destination),
    ),
    ...deals.pointers.map(({ crm, dealId }) => deps.erasure.deleteDealPointer(crm, dealId)),
    ...deals.deferred.map(({ crm, dealId }) => deps.erasure.deleteDeferredDeal(crm, dealId)),
  ]);
  // The subjects after their deliveries: a crash between leaves no delivery whose subject is gone.
  await Promise.all(found.map((subject) => deps.erasure.deleteSubject(subject.subjectKey)));
  await Promise.all([...leads.keys()].map((leadId) => deps.erasure.deleteLead(leadId)));

  const hashes = [
    ...[...leadIds].map(suppressionHashOfLeadId),
    ...request.emailHashes,
    // The emails the erased leads brought: a later capture under a new lead ID is theirs too.
    ...[...leads.values()].flatMap((lead) => lead.identity.google.emails),
  ];
  await deps.erasure.putSuppressions(hashes, deps.now());
  return {
    ok: true,
    deleted: {
      leads: leads.size,
      closes: closes.length,
      orders: found.filter(isOrderSubject).length,
      stages: found.filter(isStageSubject).length,
      deliveries: deliveries.size,
      dealPointers: deals.pointers.length,
      deferredDeals: deals.deferred.length,
    },
    subjects: found.map((subject) => subject.subjectKey).sort(),
    suppressed: new Set(hashes).size,
    ...(scan ? { scan } : {}),
  };
}

async function dealsOf(
  store: Store,
  closes: readonly { crm: string; dealId?: string | undefined; subjectKey: string }[],
): Promise<{ pointers: { crm: string; dealId: string }[]; deferred: { crm: string; dealId: string }[] }> {
  const byCrm = new Map<string, { dealId: string; subjectKey: string }[]>();
  for (const { crm, dealId, subjectKey } of closes) {
    if (dealId !== undefined) byCrm.set(crm, [...(byCrm.get(crm) ?? []), { dealId, subjectKey }]);
  }
  const pointers: { crm: string; dealId: string }[] = [];
  const deferred: { crm: string; dealId: string }[] = [];
  for (const [crm, ofCrm] of byCrm) {
    const dealIds = ofCrm.map((close) => close.dealId);
    const [found, waiting] = await Promise.all([
      store.getDealPointerRecords(crm, dealIds),
      store.getDeferredDeals(crm, dealIds),
    ]);
    for (const [dealId, pointer] of found as Map<string, DealPointer>) {
      if (!pointer.subjectKey || ofCrm.some((close) => close.subjectKey === pointer.subjectKey)) {
        pointers.push({ crm, dealId });
      }
    }
    for (const dealId of waiting.keys()) deferred.push({ crm, dealId });
  }
  return { pointers, deferred };
}
