import { mapWithConcurrency } from '../../concurrency';
import {
  type CloseDecision,
  type CloseInput,
  closeKeyFor,
  type DealPointer,
  type StageInput,
} from '../../domain';
import { isCrmRecordSuppressed, suppressionHashOfLeadId } from '../../erasure/suppression';
import type { RecordCloseResult } from '../../pipeline/record-close';
import { type RecordStageResult, recordStages } from '../../pipeline/record-stages';
import type { RoundState } from '../../pipeline/round-state';
import type { Store } from '../../store/store';
import { pointerCloseKeys, recordCloses } from '../intake';
import type { HubspotObject, HubspotProperties } from './client';
import { changedValues, type DealActivity, viewFromActivity, viewFromApi } from './deal-activity';
import { firstContactsOf, mayBeClosed, readDeals, readFirstContacts } from './enrich-deals';
import { type HubspotIntakeDeps, hubspotMappingContext } from './intake-deps';
import { mapHubspotDeal, revalueRecordedClose } from './map-deal';
import { mapHubspotDealStages } from './map-deal-stages';

/**
 * Deal activity (what webhook events say changed) → recorded closes: read the deals (with a client),
 * decide each, record. A merged deal's old ID is followed to the deal it became: HubSpot answers a read
 * of the old ID with the merged deal, and both IDs' deal pointers lead to the one close (deal-lifecycle.ts).
 * The reads overlap where they can: the deals' contact IDs beside the deals when an event reports a close,
 * and, for a webhook that hands over to the destinations, the closes' stored state (close, lead,
 * deliveries: what recording and the dispatch read) beside the contacts.
 */
export type EarlyReads = {
  /** The deals' pointers, read with the webhook's receipts. */
  pointers: ReadonlyMap<string, DealPointer>;
};
const STAGE_PROPERTIES = ['dealstage', 'hs_is_closed', 'hs_is_closed_won'];

/**
 * Without API access an amount or currency change carries no stage: it can only re-value a close that
 * was recorded before (found through the deal pointer).
 */
async function revaluesFromPayload(
  store: Store,
  candidates: { activity: DealActivity; pointerCloseKey: string }[],
): Promise<CloseInput[]> {
  if (candidates.length === 0) return [];
  const existing = await store.getCloses(candidates.map((candidate) => candidate.pointerCloseKey));
  const closes: CloseInput[] = [];
  for (const { activity, pointerCloseKey } of candidates) {
    const close = existing.get(pointerCloseKey);
    if (!close) continue;
    const revalued = revalueRecordedClose(close, {
      amount: activity.changes.amount?.value,
      currency: activity.changes.deal_currency_code?.value,
      updatedAt: activity.latestAt,
    });
    if (revalued) closes.push(revalued);
  }
  return closes;
}

/** The close a deal read from the API belongs to: the merged deal's own, else the ID the event named. */
function pointerCloseKey(
  pointers: ReadonlyMap<string, DealPointer>,
  found: HubspotObject,
  askedId: string,
): string | undefined {
  return pointers.get(found.id)?.subjectKey ?? pointers.get(askedId)?.subjectKey;
}

type Decided = {
  decisions: CloseDecision[];
  /** The funnel stages the deals have reached (recording keeps only the new ones). */
  stages: StageInput[];
  closes: CloseInput[];
  aliases: Map<string, string>;
  prefetched?: RoundState;
};

async function prefetch(deps: HubspotIntakeDeps, subjectKeys: string[]): Promise<RoundState | undefined> {
  if (!deps.inline || subjectKeys.length === 0) return undefined;
  // Erased people's suppression entries ride along (no request of their own).
  const request = {
    ...deps.inline.stateRequest(subjectKeys),
    suppressions: subjectKeys.map(suppressionHashOfLeadId),
  };
  return { request, state: await deps.store.getState(request) };
}

async function decideFromApi(
  activity: readonly DealActivity[],
  pointers: Map<string, DealPointer>,
  client: NonNullable<HubspotIntakeDeps['client']>,
  deps: HubspotIntakeDeps,
): Promise<Decided> {
  const dealIds = activity.map((deal) => deal.dealId);
  const deadline = deps.apiDeadline;
  const reads = await readDeals(client, dealIds, {
    ...deps,
    withAssociations: activity.some((deal) => mayBeClosed(changedValues(deal))),
  });
  const missing = dealIds.filter((dealId) => !reads.deals.has(dealId)).length;
  if (missing > 0) {
    // Deleted since the event, or (with a token for one portal) a deal of another portal.
    deps.logger.warn('deals named by the webhook were not found by the HubSpot API; ignored', {
      deals: missing,
    });
  }
  // A deal the API answered under another ID (a merge): that ID's pointer was not read with the others.
  const asked = new Set(dealIds);
  const mergedIds = [...reads.deals.values()].map((deal) => deal.id).filter((id) => !asked.has(id));
  const [{ pipelines, firstContact }, mergedPointers] = await Promise.all([
    firstContactsOf(client, reads.deals, {
      deadline,
      ...(reads.associated ? { associated: reads.associated } : {}),
    }),
    mergedIds.length > 0
      ? deps.store.getDealPointerRecords('hubspot', mergedIds)
      : new Map<string, DealPointer>(),
  ]);
  for (const [id, pointer] of mergedPointers) pointers.set(id, pointer);
  const mapping = hubspotMappingContext(deps, pipelines);
  // Old ID → the merged deal it now reads as: its pointer is written beside the merged deal's.
  const aliases = new Map<string, string>();
  const decide = (contacts: ReadonlyMap<string, HubspotProperties>) => {
    const decisions: CloseDecision[] = [];
    const stages: StageInput[] = [];
    const decided = new Set<string>();
    for (const deal of activity) {
      const found = reads.deals.get(deal.dealId);
      // A deal deleted since the event has nothing left to record; two old IDs of one deal are one deal.
      if (!found || decided.has(found.id)) continue;
      decided.add(found.id);
      if (found.id !== deal.dealId) aliases.set(deal.dealId, found.id);
      const view = viewFromApi(found, deal, {
        contact: contacts.get(found.id),
        pointerCloseKey: pointerCloseKey(pointers, found, deal.dealId),
      });
      decisions.push(mapHubspotDeal(view, mapping));
      stages.push(...mapHubspotDealStages(view, mapping));
    }
    return { decisions, stages };
  };
  // Which closes are recorded, and under which key, is known before the contacts (they add identifiers):
  // their stored state is read beside the contact read. A key that then differs is read when recorded.
  const expectedKeys = decide(new Map()).decisions.flatMap((decision) =>
    decision.action === 'record' ? [closeKeyFor(decision.close)] : [],
  );
  const [contacts, prefetched] = await Promise.all([
    readFirstContacts(client, firstContact, { deadline }),
    prefetch(deps, expectedKeys),
  ]);
  return { ...decide(contacts), closes: [], aliases, ...(prefetched ? { prefetched } : {}) };
}

async function decideFromPayload(
  activity: readonly DealActivity[],
  pointers: ReadonlyMap<string, DealPointer>,
  deps: HubspotIntakeDeps,
): Promise<Decided> {
  const mapping = hubspotMappingContext(deps, undefined);
  const decisions: CloseDecision[] = [];
  const stages: StageInput[] = [];
  const revalueCandidates: { activity: DealActivity; pointerCloseKey: string }[] = [];
  for (const deal of activity) {
    const pointer = pointers.get(deal.dealId);
    // A merged deal's old ID changes no more: its events are from before the merge, which the merged
    // deal's own state supersedes.
    if (pointer?.mergedInto !== undefined) continue;
    const closeKey = pointer?.subjectKey;
    if (!STAGE_PROPERTIES.some((name) => name in deal.changes)) {
      if (closeKey !== undefined) revalueCandidates.push({ activity: deal, pointerCloseKey: closeKey });
      continue;
    }
    const view = viewFromActivity(deal, closeKey);
    decisions.push(mapHubspotDeal(view, mapping));
    stages.push(...mapHubspotDealStages(view, mapping));
  }
  return {
    decisions,
    stages,
    closes: await revaluesFromPayload(deps.store, revalueCandidates),
    aliases: new Map(),
  };
}

/**
 * Reads, decides and records deals as their webhook events describe them; a HubSpot API failure (5xx,
 * network, a rate limit longer than the deadline) throws `RetryableError` before anything is written.
 * The webhook and the backfill's resumption of deferred deals share it.
 */
export async function recordHubspotActivity(
  activity: readonly DealActivity[],
  deps: HubspotIntakeDeps,
  early?: EarlyReads,
): Promise<{
  results: RecordCloseResult[];
  stages: RecordStageResult[];
  ignored: number;
  prefetched?: RoundState;
}> {
  const pointers = early
    ? new Map(early.pointers)
    : await deps.store.getDealPointerRecords(
        'hubspot',
        activity.map((deal) => deal.dealId),
      );
  const {
    decisions,
    stages: decidedStages,
    closes: decidedCloses,
    aliases,
    prefetched,
  } = deps.client
    ? await decideFromApi(activity, pointers, deps.client, deps)
    : await decideFromPayload(activity, pointers, deps);
  for (const decision of decisions) if (decision.action === 'record') decidedCloses.push(decision.close);
  // An erased person's close or stage stores nothing (lib/erasure/suppression.ts).
  const suppressed = prefetched?.state.suppressed ?? new Set<string>();
  const closes = decidedCloses.filter((close) => !isCrmRecordSuppressed(close, suppressed));
  const stages = decidedStages.filter((stage) => !isCrmRecordSuppressed(stage, suppressed));
  const unclassified = decisions.filter(
    (decision) => decision.action === 'ignore' && decision.reason === 'unclassified_stage',
  ).length;
  if (unclassified > 0) {
    deps.logger.warn('deal stages that could not be classified were ignored', {
      deals: unclassified,
      hint: deps.client
        ? 'stage missing from the pipelines API'
        : 'set HUBSPOT_ACCESS_TOKEN for custom pipelines',
    });
  }
  // Stages and closes are separate items: written side by side, both durable before the receipts.
  const [results, recordedStages] = await Promise.all([
    recordCloses(deps.store, closes, deps.now, {
      metrics: deps.metrics,
      pointers: pointerCloseKeys(pointers),
      ...(prefetched
        ? { read: { keys: new Set(prefetched.request.subjects ?? []), subjects: prefetched.state.subjects } }
        : {}),
      ...(deps.inline ? { claimUntil: deps.inline.claimUntil } : {}),
    }),
    recordStages(deps.store, stages, deps.now, {
      metrics: deps.metrics,
      claimUntil: deps.inline?.claimUntil,
    }),
  ]);
  // An old ID read as its merged deal leads to the close the merged deal has now.
  const closeOfDeal = new Map(results.map((result) => [result.close?.dealId, result.subjectKey]));
  await mapWithConcurrency([...aliases], 10, async ([oldId, mergedId]: [string, string]) => {
    const subjectKey = closeOfDeal.get(mergedId);
    if (subjectKey !== undefined) await deps.store.putDealPointer('hubspot', oldId, subjectKey);
  });
  return {
    results,
    stages: recordedStages,
    ignored: activity.length - closes.length,
    ...(prefetched ? { prefetched } : {}),
  };
}
