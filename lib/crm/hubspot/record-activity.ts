import { mapWithConcurrency } from '../../concurrency';
import type { CloseDecision, CloseInput, DealPointer } from '../../domain';
import type { RecordCloseResult } from '../../pipeline/record-close';
import type { Store } from '../../store/store';
import { recordCloses } from '../intake';
import type { HubspotObject } from './client';
import { type DealActivity, viewFromActivity, viewFromApi } from './deal-activity';
import { enrichDeals } from './enrich-deals';
import { type HubspotIntakeDeps, hubspotMappingContext } from './intake-deps';
import { mapHubspotDeal, revalueRecordedClose } from './map-deal';

/**
 * Deal activity (what webhook events say changed) → recorded closes: read the deals (with a client),
 * decide each, record. A merged deal's old ID is followed to the deal it became: HubSpot answers a read
 * of the old ID with the merged deal, and both IDs' deal pointers lead to the one close (deal-lifecycle.ts).
 */
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

type Decided = { decisions: CloseDecision[]; closes: CloseInput[]; aliases: Map<string, string> };

async function decideFromApi(
  activity: readonly DealActivity[],
  pointers: Map<string, DealPointer>,
  client: NonNullable<HubspotIntakeDeps['client']>,
  deps: HubspotIntakeDeps,
): Promise<Decided> {
  const dealIds = activity.map((deal) => deal.dealId);
  const enrichment = await enrichDeals(client, dealIds, deps);
  const mapping = hubspotMappingContext(deps, enrichment.pipelines);
  const missing = dealIds.filter((dealId) => !enrichment.deals.has(dealId)).length;
  if (missing > 0) {
    // Deleted since the event, or (with a token for one portal) a deal of another portal.
    deps.logger.warn('deals named by the webhook were not found by the HubSpot API; ignored', {
      deals: missing,
    });
  }
  const mergedIds = [...enrichment.deals.values()].map((deal) => deal.id).filter((id) => !pointers.has(id));
  for (const [id, pointer] of await deps.store.getDealPointerRecords('hubspot', mergedIds)) {
    pointers.set(id, pointer);
  }
  const decisions: CloseDecision[] = [];
  // Old ID → the merged deal it now reads as: its pointer is written beside the merged deal's.
  const aliases = new Map<string, string>();
  const decided = new Set<string>();
  for (const deal of activity) {
    const found = enrichment.deals.get(deal.dealId);
    // A deal deleted since the event has nothing left to record; two old IDs of one deal are one deal.
    if (!found || decided.has(found.id)) continue;
    decided.add(found.id);
    if (found.id !== deal.dealId) aliases.set(deal.dealId, found.id);
    const view = viewFromApi(found, deal, {
      contact: enrichment.contacts.get(found.id),
      pointerCloseKey: pointerCloseKey(pointers, found, deal.dealId),
    });
    decisions.push(mapHubspotDeal(view, mapping));
  }
  return { decisions, closes: [], aliases };
}

async function decideFromPayload(
  activity: readonly DealActivity[],
  pointers: ReadonlyMap<string, DealPointer>,
  deps: HubspotIntakeDeps,
): Promise<Decided> {
  const mapping = hubspotMappingContext(deps, undefined);
  const decisions: CloseDecision[] = [];
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
    decisions.push(mapHubspotDeal(viewFromActivity(deal, closeKey), mapping));
  }
  return { decisions, closes: await revaluesFromPayload(deps.store, revalueCandidates), aliases: new Map() };
}

/**
 * Reads, decides and records deals as their webhook events describe them; a HubSpot API failure (5xx,
 * network, a rate limit longer than the deadline) throws `RetryableError` before anything is written.
 * The webhook and the backfill's resumption of deferred deals share it.
 */
export async function recordHubspotActivity(
  activity: readonly DealActivity[],
  deps: HubspotIntakeDeps,
): Promise<{ results: RecordCloseResult[]; ignored: number }> {
  const pointers = await deps.store.getDealPointerRecords(
    'hubspot',
    activity.map((deal) => deal.dealId),
  );
  const { decisions, closes, aliases } = deps.client
    ? await decideFromApi(activity, pointers, deps.client, deps)
    : await decideFromPayload(activity, pointers, deps);
  for (const decision of decisions) if (decision.action === 'record') closes.push(decision.close);
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
  const results = await recordCloses(deps.store, closes, deps.now, deps);
  // An old ID read as its merged deal leads to the close the merged deal has now.
  const closeOfDeal = new Map(results.map((result) => [result.close?.dealId, result.subjectKey]));
  await mapWithConcurrency([...aliases], 10, async ([oldId, mergedId]: [string, string]) => {
    const subjectKey = closeOfDeal.get(mergedId);
    if (subjectKey !== undefined) await deps.store.putDealPointer('hubspot', oldId, subjectKey);
  });
  return { results, ignored: activity.length - closes.length };
}
