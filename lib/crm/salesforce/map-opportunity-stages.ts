import {
  closeKeyFor,
  reachedStages,
  type StageDefinition,
  type StageInput,
  stageInputsOf,
} from '../../domain';
import { parseAmount, parseLeadId, readCrmCurrency } from '../close-fields';
import { classifyOpportunity, type OpportunityView, type SalesforceMappingContext } from './map-opportunity';

/**
 * A Salesforce Opportunity → the funnel stages it has reached (pure). An Opportunity reaches a stage when
 * its `StageName` is one of the stage's `salesforce.opportunityStages`, at the change's `LastModifiedDate`
 * (an Outbound Message or a Flow is sent by the change itself; a poll finds the latest change). A won
 * Opportunity reaches every stage (lib/domain/stage.ts).
 */
export function mapSalesforceOpportunityStages(
  report: OpportunityView,
  context: SalesforceMappingContext & { stages?: readonly StageDefinition[] | undefined },
): StageInput[] {
  const stages = context.stages ?? [];
  if (stages.length === 0) return [];
  const opportunity = report.opportunity;
  const at = opportunity.LastModifiedDate ?? opportunity.SystemModstamp ?? context.now;
  const won = classifyOpportunity(opportunity) === 'won';
  const reaches = reachedStages(stages, {
    valuesOf: (stage) => stage.salesforce?.opportunityStages ?? [],
    current: opportunity.StageName?.trim() || undefined,
    at,
    wonAt: won ? at : undefined,
  });
  if (reaches.length === 0) return [];
  const dealId = opportunity.Id;
  const leadId = parseLeadId(opportunity[context.leadIdField]);
  const dealKey = closeKeyFor({ crm: 'salesforce', dealId });
  const pointerLeadId =
    report.pointerCloseKey !== undefined && report.pointerCloseKey !== dealKey
      ? report.pointerCloseKey
      : undefined;
  return stageInputsOf(reaches, {
    leadKey: closeKeyFor({ subjectKey: report.pointerCloseKey, leadId, crm: 'salesforce', dealId }),
    leadId: leadId ?? pointerLeadId,
    crm: 'salesforce',
    origin: 'deal',
    recordId: dealId,
    amount: parseAmount(opportunity.Amount),
    currency: readCrmCurrency(opportunity.CurrencyIsoCode, context.defaultCurrency, 'CurrencyIsoCode')
      .currency,
    now: context.now,
  });
}
