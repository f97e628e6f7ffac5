import {
  closeKeyFor,
  reachedStages,
  type StageDefinition,
  type StageInput,
  stageInputsOf,
} from '../../domain';
import { normaliseCurrency, parseAmount, parseCrmTimestamp, parseLeadId } from '../close-fields';
import {
  classifyDealStage,
  contactIdentityOf,
  type HubspotDealView,
  type HubspotMappingContext,
  leadIdFromPointer,
} from './map-deal';

/**
 * A HubSpot deal → the funnel stages it has reached (pure). A deal reaches a stage when its `dealstage`
 * (in any pipeline) is one of the stage's `hubspot.dealStages`; HubSpot keeps when it entered each stage in
 * `hs_v2_date_entered_<stage id>`, read with the deal (dealStageProperties), so a stage passed between two
 * webhooks, or seen only by the poll, keeps its own time. A won deal reaches every stage (lib/domain/stage.ts).
 */
const ENTERED_PREFIX = 'hs_v2_date_entered_';

/** The deal properties that say when a deal entered each configured stage. */
export function dealStageProperties(stages: readonly StageDefinition[] | undefined): string[] {
  return [
    ...new Set(
      (stages ?? []).flatMap((stage) => (stage.hubspot?.dealStages ?? []).map((id) => ENTERED_PREFIX + id)),
    ),
  ];
}

export function mapHubspotDealStages(view: HubspotDealView, context: HubspotMappingContext): StageInput[] {
  const stages = context.stages ?? [];
  if (stages.length === 0) return [];
  const properties = view.properties;
  const current = properties.dealstage?.trim() || undefined;
  const enteredAt = (value: string) => parseCrmTimestamp(properties[ENTERED_PREFIX + value]);
  // When the deal entered its current stage: the change's occurredAt, else HubSpot's own record of it.
  const at =
    view.stageChangedAt ??
    (current === undefined ? undefined : enteredAt(current)) ??
    parseCrmTimestamp(properties.hs_lastmodifieddate) ??
    view.updatedAt;
  const won = classifyDealStage(properties, context.pipelines) === 'won';
  const wonAt = won ? (view.stageChangedAt ?? parseCrmTimestamp(properties.closedate) ?? at) : undefined;
  const reaches = reachedStages(stages, {
    valuesOf: (stage) => stage.hubspot?.dealStages ?? [],
    current,
    at,
    wonAt,
    enteredAt,
  });
  if (reaches.length === 0) return [];
  const leadId = parseLeadId(properties[context.leadIdProperty]);
  return stageInputsOf(reaches, {
    // The key the deal's close has or will have: stages and close belong to the same lead.
    leadKey: closeKeyFor({ subjectKey: view.pointerCloseKey, leadId, crm: 'hubspot', dealId: view.dealId }),
    leadId: leadId ?? (view.pointerCloseKey && leadIdFromPointer(view.pointerCloseKey, view.dealId)),
    crm: 'hubspot',
    origin: 'deal',
    recordId: view.dealId,
    amount: parseAmount(properties.amount),
    currency: normaliseCurrency(properties.deal_currency_code, context.defaultCurrency),
    contactIdentity: contactIdentityOf(view.contact, context.defaultPhoneCountry),
    now: context.now,
  });
}
