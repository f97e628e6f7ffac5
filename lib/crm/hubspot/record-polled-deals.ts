import type { CloseInput, StageInput } from '../../domain';
import type { RecordCloseResult } from '../../pipeline/record-close';
import { type RecordStageResult, recordStages } from '../../pipeline/record-stages';
import { recordCloses } from '../intake';
import type { HubspotClient, HubspotObject } from './client';
import { viewFromApi } from './deal-activity';
import { enrichReadDeals } from './enrich-deals';
import { type HubspotIntakeDeps, hubspotMappingContext } from './intake-deps';
import { mapHubspotDeal } from './map-deal';
import { mapHubspotDealStages } from './map-deal-stages';

/**
 * Deals the backfill found by searching HubSpot → the webhook path's enrichment, views, mapping and
 * recording, so a close whose webhook never came is recorded exactly as the webhook would have recorded it
 * (and one already recorded is left unchanged). The search returned each deal's current properties, so
 * only the pipelines (when needed) and the closed deals' first contacts are read; every deal is looked up
 * by its deal pointer, so a deal re-opened after its close was recorded is reported as a webhook would,
 * and a merged deal lands on the close of the deal it absorbed.
 */
export type PolledDealsDeps = Pick<
  HubspotIntakeDeps,
  | 'store'
  | 'leadIdProperty'
  | 'defaultCurrency'
  | 'defaultPhoneCountry'
  | 'closureReasonMap'
  | 'stages'
  | 'now'
  | 'logger'
  | 'metrics'
> & { client: HubspotClient; apiDeadline: number };

export type PolledDealsResult = {
  results: RecordCloseResult[];
  /** Funnel stages the deals reached (created: new ones, left due for this run's delivery round). */
  stages: RecordStageResult[];
  /** Deals that are (or were) closes: won, lost, or re-opened after a recorded close. */
  closes: number;
  /** Open deals never seen closed, and stages that could not be classified. */
  ignored: number;
};

export async function recordPolledHubspotDeals(
  deals: readonly HubspotObject[],
  deps: PolledDealsDeps,
): Promise<PolledDealsResult> {
  if (deals.length === 0) return { results: [], stages: [], closes: 0, ignored: 0 };
  const enrichment = await enrichReadDeals(deps.client, new Map(deals.map((deal) => [deal.id, deal])), {
    deadline: deps.apiDeadline,
  });
  // Every deal's pointer: an open one may be a re-opened close, a closed one keeps the key its close has
  // (a merged deal's is the close of the deal it absorbed; a deal that learnt its lead ID keeps its first).
  const pointers = await deps.store.getDealPointers(
    'hubspot',
    deals.map((deal) => deal.id),
  );
  const mapping = hubspotMappingContext(deps, enrichment.pipelines);
  const closes: CloseInput[] = [];
  const stageInputs: StageInput[] = [];
  let unclassified = 0;
  for (const deal of deals) {
    const pointerCloseKey = pointers.get(deal.id);
    const contact = enrichment.contacts.get(deal.id);
    const view = viewFromApi(deal, undefined, {
      ...(contact ? { contact } : {}),
      ...(pointerCloseKey ? { pointerCloseKey } : {}),
    });
    const decision = mapHubspotDeal(view, mapping);
    stageInputs.push(...mapHubspotDealStages(view, mapping));
    if (decision.action === 'record') closes.push(decision.close);
    else if (decision.reason === 'unclassified_stage') unclassified++;
  }
  if (unclassified > 0) {
    deps.logger.warn('deal stages that could not be classified were ignored', {
      deals: unclassified,
      hint: 'stage missing from the pipelines API',
    });
  }
  // A stage the webhook recorded already is left as it is: the poll only fills what was missed.
  const [results, stages] = await Promise.all([
    recordCloses(deps.store, closes, deps.now, deps),
    recordStages(deps.store, stageInputs, deps.now, { metrics: deps.metrics }),
  ]);
  return { results, stages, closes: closes.length, ignored: deals.length - closes.length };
}
