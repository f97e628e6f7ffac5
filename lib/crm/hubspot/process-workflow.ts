import type { ConversionSubject } from '../../domain';
import { RetryableError } from '../../errors';
import { createdStages, recordStages } from '../../pipeline/record-stages';
import { changedCloses, recordCloses } from '../intake';
import type { HubspotPipeline, HubspotProperties } from './client';
import { type DealActivity, viewFromApi, viewFromWorkflow } from './deal-activity';
import { deferActivity } from './defer-deals';
import { enrichReadDeals, mayBeClosed, readDeals } from './enrich-deals';
import { type HubspotIntakeDeps, type HubspotIntakeSummary, hubspotMappingContext } from './intake-deps';
import { type HubspotDealView, mapHubspotDeal } from './map-deal';
import { mapHubspotDealStages } from './map-deal-stages';
import type { WorkflowDeal } from './webhook-payload';

/**
 * A workflow's "Send a webhook" (one deal, every property the workflow chose): the deal pointer beside
 * the deal's API read (which fills what the workflow did not send), decide, record, hand over. A workflow
 * call has no receipt: recording the same deal twice changes nothing.
 */
function mergeProperties(base: HubspotProperties, override: HubspotProperties): HubspotProperties {
  const merged = { ...base };
  for (const [name, value] of Object.entries(override)) if (value !== undefined) merged[name] = value;
  return merged;
}

export async function processWorkflow(
  deal: WorkflowDeal,
  deps: HubspotIntakeDeps,
): Promise<HubspotIntakeSummary> {
  const ignored = { received: 1, duplicates: 0, ignored: 1, deferred: 0, results: [] };
  if (deal.otherObjectType !== undefined) return ignored;
  const received = deps.now();
  const payload = viewFromWorkflow(deal, { receivedAt: received });
  const { client } = deps;
  const reads = client
    ? readDeals(client, [deal.dealId], { ...deps, withAssociations: mayBeClosed(payload.properties) })
    : undefined;
  reads?.catch(() => undefined);
  const pointers = await deps.store.getDealPointers('hubspot', [deal.dealId]);
  const pointerCloseKey = pointers.get(deal.dealId);
  const fromPayload = viewFromWorkflow(deal, { pointerCloseKey, receivedAt: received });
  let view: HubspotDealView = fromPayload;
  let pipelines: HubspotPipeline[] | undefined;
  if (client && reads) {
    const activity: DealActivity = {
      dealId: deal.dealId,
      eventIds: [],
      latestAt: fromPayload.updatedAt,
      changes:
        fromPayload.stageChangedAt === undefined
          ? {}
          : { dealstage: { value: fromPayload.properties.dealstage, at: fromPayload.stageChangedAt } },
    };
    let enrichment: Awaited<ReturnType<typeof enrichReadDeals>>;
    try {
      const read = await reads;
      enrichment = await enrichReadDeals(client, read.deals, {
        deadline: deps.apiDeadline,
        ...(read.associated ? { associated: read.associated } : {}),
      });
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      // Contact properties the workflow sent are not kept: the backfill reads the deal's contact itself.
      const deferred = await deferActivity([activity], error, deps);
      return { received: 1, duplicates: 0, ignored: 0, deferred, results: [] };
    }
    const found = enrichment.deals.get(deal.dealId);
    if (!found) return ignored;
    pipelines = enrichment.pipelines;
    view = viewFromApi(
      // What the workflow sent fills what the API did not return (e.g. a property the app cannot read).
      { id: found.id, properties: mergeProperties(fromPayload.properties, found.properties) },
      activity,
      { contact: enrichment.contacts.get(deal.dealId) ?? fromPayload.contact, pointerCloseKey },
    );
  }
  const mapping = hubspotMappingContext(deps, pipelines);
  const decision = mapHubspotDeal(view, mapping);
  const stageInputs = mapHubspotDealStages(view, mapping);
  if (decision.action === 'ignore') {
    if (decision.reason === 'unclassified_stage') {
      deps.logger.warn('deal stage could not be classified; ignored', { deals: 1 });
    }
    if (stageInputs.length === 0) return ignored;
  }
  const [results, stages] = await Promise.all([
    decision.action === 'record'
      ? recordCloses(deps.store, [decision.close], deps.now, {
          metrics: deps.metrics,
          pointers,
          ...(deps.inline ? { claimUntil: deps.inline.claimUntil } : {}),
        })
      : [],
    recordStages(deps.store, stageInputs, deps.now, {
      metrics: deps.metrics,
      claimUntil: deps.inline?.claimUntil,
    }),
  ]);
  const changed = new Map<string, ConversionSubject>([...changedCloses(results), ...createdStages(stages)]);
  if (deps.inline && changed.size > 0) await deps.inline.dispatch(changed);
  return {
    received: 1,
    duplicates: 0,
    ignored: decision.action === 'record' ? 0 : 1,
    deferred: 0,
    results,
    stages,
  };
}
