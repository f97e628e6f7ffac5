import type { CrmName } from './close';
import type { ConsentRecord } from './consent';
import type { HashedIdentity } from './identity';
import { type StageInput, type StageOrigin, type StageReach, stageTargetsOf, stageValue } from './stage';

/**
 * What every CRM's stage mapping shares (pure): the stages a record reached (lib/domain/stage.ts
 * reachedStages) → the stages to record, each with its value (a fixed one, or a share of the deal's
 * amount in the deal's currency), its destinations' part of its entry, and no time after `now`.
 */
export type StageRecordContext = {
  leadKey: string;
  leadId?: string | undefined;
  crm: CrmName;
  origin: StageOrigin;
  recordId?: string | undefined;
  amount?: number | undefined;
  currency?: string | undefined;
  contactIdentity?: HashedIdentity | undefined;
  consent?: ConsentRecord | undefined;
  now: number;
};

export function stageInputsOf(reaches: readonly StageReach[], context: StageRecordContext): StageInput[] {
  // Absent fields stay undefined: the store writes none of them (removeUndefinedValues).
  return reaches.map((reach) => ({
    leadKey: context.leadKey,
    leadId: context.leadId,
    stage: reach.definition.name,
    crm: context.crm,
    origin: context.origin,
    recordId: context.recordId,
    crmValue: reach.crmValue,
    implied: reach.implied,
    // A record stamped ahead of our clock would be refused as a future event.
    reachedAt: Math.min(reach.at, context.now),
    ...stageValue(reach.definition.value, context),
    targets: stageTargetsOf(reach.definition),
    contactIdentity: context.contactIdentity,
    consent: context.consent,
  }));
}
