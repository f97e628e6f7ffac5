import type { CrmName } from './close';
import type { ConsentRecord } from './consent';
import type { HashedIdentity } from './identity';

/**
 * Funnel stages (CONVERSION_STAGES): the steps of a lead before its close — qualified, opportunity, … —
 * each sent once per lead per destination as its own conversion, stamped with the time the CRM record
 * entered it. The platforms learn from these weeks before a deal closes (Meta's CRM payload spec asks for
 * every stage as it changes, platform-apis.md §7). A stage comes in addition to the close, never instead.
 */

/** A stage's conversion value: fixed, a share of the deal's amount (in the deal's currency), or none. */
export type StageValueRule = { fixed: number; currency: string } | { fractionOfAmount: number };

/** What each destination receives for a stage; a destination absent here gets nothing for it. */
export type StageTargets = {
  google?: { conversionAction: string };
  meta?: { eventName: string };
  ga4?: { eventName: string };
  tiktok?: { eventName: string };
};
export type StageTargetKey = keyof StageTargets;

/** One entry of CONVERSION_STAGES, as validated at start-up (lib/conversion-stages.ts). */
export type StageDefinition = StageTargets & {
  name: string;
  /** The captured lead itself is this stage (Meta's raw lead event): recorded when the lead is stored. */
  onLeadCaptured: boolean;
  hubspot?: { dealStages: string[]; lifecycleStages: string[] };
  salesforce?: { opportunityStages: string[]; leadStatuses: string[] };
  value?: StageValueRule;
};

/** Which CRM record reached the stage: a deal / opportunity, a contact / Salesforce Lead, or the capture. */
export type StageOrigin = 'deal' | 'contact' | 'lead_capture';

/** A stage a CRM record (or a lead capture) reached, before it is recorded. */
export type StageInput = {
  /** The key the lead's close has or would have: the lead ID, else `<crm>-deal:<dealId>` (closeKeyFor). */
  leadKey: string;
  leadId?: string;
  stage: string;
  crm: CrmName;
  origin: StageOrigin;
  /** The CRM record that reached it (deal, contact or Salesforce Lead ID). */
  recordId?: string;
  /** The CRM value it entered (`qualifiedtobuy`); absent for a stage implied by a later one. */
  crmValue?: string;
  /** Reached through a later stage or the close, not entered itself as far as the CRM says. */
  implied: boolean;
  /** When the record entered the stage (ms): the conversion time, never the processing time. */
  reachedAt: number;
  value?: number;
  currency?: string;
  targets: StageTargets;
  contactIdentity?: HashedIdentity;
  consent?: ConsentRecord;
};

/**
 * A recorded stage (`STAGE#<leadKey>#<stage>`): written once, never versioned — a stage reached again
 * (moved back and forward) or reported again (a retried webhook, a poll) finds it there and changes
 * nothing. The pipeline delivers it as a subject, like a close or an order.
 */
export type StageRecord = StageInput & {
  kind: 'stage';
  /** `stage:<stage>:<leadKey>` (stageSubjectKey): the subject key of its deliveries. */
  subjectKey: string;
  /** Always 1 (deliveries are planned per subject version). */
  version: number;
  recordedAt: number;
  updatedAt: number;
  planned: boolean;
  /** As CloseRecord.claimedUntil: the call that recorded it dispatches it until then. */
  claimedUntil?: number;
};

const STAGE_SUBJECT_PREFIX = 'stage:';

/** A stage's subject key; a stage name never holds `:`, so the lead key after it is read back whole. */
export function stageSubjectKey(stage: string, leadKey: string): string {
  return `${STAGE_SUBJECT_PREFIX}${stage}:${leadKey}`;
}

/** The stage and lead key of a stage subject key, or undefined for a close or order key. */
export function parseStageSubjectKey(subjectKey: string): { stage: string; leadKey: string } | undefined {
  if (!subjectKey.startsWith(STAGE_SUBJECT_PREFIX)) return undefined;
  const rest = subjectKey.slice(STAGE_SUBJECT_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  return { stage: rest.slice(0, colon), leadKey: rest.slice(colon + 1) };
}

/**
 * The platforms' ID of a stage conversion (Google transactionId / orderId, Meta and TikTok event_id, GA4
 * transaction_id): `<leadKey>:<stage>`. A close is keyed by the lead key alone, so a stage never collides
 * with it, and a replay of the stage updates instead of duplicating.
 */
export function stagePlatformId(stage: Pick<StageRecord, 'leadKey' | 'stage'>): string {
  return `${stage.leadKey}:${stage.stage}`;
}

/**
 * Whether a destination gets this stage: only those its entry names (the others get nothing). An entry's
 * parts are named as the registry's destinations, but `google` for `google-ads`.
 */
export function stageGoesTo(stage: Pick<StageRecord, 'targets'>, destination: string): boolean {
  const key = destination === 'google-ads' ? 'google' : destination;
  return (stage.targets as Record<string, unknown>)[key] !== undefined;
}

export function stageTargetsOf(definition: StageDefinition): StageTargets {
  const targets: Record<string, unknown> = {};
  for (const key of ['google', 'meta', 'ga4', 'tiktok'] as const)
    if (definition[key]) targets[key] = definition[key];
  return targets as StageTargets;
}

/** A stage's value for a deal of `amount` in `currency` (amount unknown: a share of it is no value). */
export function stageValue(
  rule: StageValueRule | undefined,
  deal: { amount?: number | undefined; currency?: string | undefined },
): { value: number; currency: string } | undefined {
  if (!rule) return undefined;
  if ('fixed' in rule) return { value: rule.fixed, currency: rule.currency };
  if (deal.amount === undefined || deal.currency === undefined) return undefined;
  return { value: Math.round(deal.amount * rule.fractionOfAmount * 100) / 100, currency: deal.currency };
}

/** One stage a record reached, with its time, and whether it entered it itself or through a later stage. */
export type StageReach = { definition: StageDefinition; at: number; implied: boolean; crmValue?: string };

/**
 * Which stages a CRM record has reached, as it now stands (pure):
 * - the stage whose values hold the record's current value, at `at` (when it entered that value);
 * - every stage the CRM says the record entered before (`enteredAt`: HubSpot `hs_v2_date_entered_<id>`,
 *   Salesforce stage history), at that time;
 * - a won close reaches every stage;
 * - and every stage earlier in the funnel than the latest of those, not entered itself, implied at the time
 *   of the nearest later stage (a deal created straight in Closed Won still teaches "qualified").
 * A lost close adds nothing of its own: it implies no stage the record never entered. A stage sent on lead
 * capture (`onLeadCaptured`) is never implied: the capture is its time. Recording decides what is new.
 */
export function reachedStages(
  definitions: readonly StageDefinition[],
  record: {
    /** The configured CRM values of a stage for this kind of record (a deal's stages, a contact's…). */
    valuesOf(definition: StageDefinition): readonly string[];
    current: string | undefined;
    at: number;
    wonAt?: number | undefined;
    enteredAt?(value: string): number | undefined;
  },
): StageReach[] {
  const own = definitions.map((definition): { at: number; crmValue: string } | undefined => {
    const values = record.valuesOf(definition);
    if (record.current !== undefined && values.includes(record.current)) {
      return { at: record.at, crmValue: record.current };
    }
    let earliest: { at: number; crmValue: string } | undefined;
    for (const value of values) {
      const entered = record.enteredAt?.(value);
      if (entered !== undefined && (earliest === undefined || entered < earliest.at)) {
        earliest = { at: entered, crmValue: value };
      }
    }
    return earliest;
  });
  let top = -1;
  own.forEach((reach, index) => {
    if (reach) top = index;
  });
  if (record.wonAt !== undefined) top = definitions.length - 1;
  const reaches: StageReach[] = [];
  let later = record.wonAt ?? own[top]?.at ?? record.at;
  for (let index = top; index >= 0; index--) {
    const definition = definitions[index] as StageDefinition;
    const reach = own[index];
    if (reach) {
      reaches.push({ definition, at: reach.at, implied: false, crmValue: reach.crmValue });
      later = reach.at;
      continue;
    }
    if (definition.onLeadCaptured) continue;
    reaches.push({ definition, at: later, implied: true });
  }
  return reaches.reverse();
}
