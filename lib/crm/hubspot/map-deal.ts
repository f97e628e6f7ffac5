import {
  type CloseDecision,
  type CloseInput,
  type CloseRecord,
  closeKeyFor,
  type StageDefinition,
  type UnusableClose,
} from '../../domain';
import { hasAnyIdentifier, hashIdentity } from '../../leads/identity';
import {
  cleanCrmText,
  normaliseCurrency,
  parseAmount,
  parseCrmTimestamp,
  parseFlag,
  parseLeadId,
  readCrmAmount,
  readCrmCurrency,
  salesCycleDays,
} from '../close-fields';
import { normaliseClosureReason } from '../closure-reason';
import type { HubspotPipeline, HubspotProperties } from './client';
import { MERGED_IDS_PROPERTY } from './merged-ids';

/**
 * A HubSpot deal → what the connector records about it (pure). HubSpot property names and semantics
 * from reference/platform-apis.md §4: `hs_is_closed_won` / `hs_is_closed` are HubSpot's own calculation
 * and win; custom pipelines are read through their stage metadata; `closedwon` / `closedlost` of the
 * default pipeline are the last resort.
 */
export const DEFAULT_PIPELINE_ID = 'default';
/** The default pipeline's open stages: a deal moved back to one of them has been re-opened. */
export const DEFAULT_OPEN_STAGES: readonly string[] = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
];

/** What the connector reads of a deal; the lead ID property is configured. */
export function dealProperties(leadIdProperty: string): string[] {
  return [
    'dealstage',
    'pipeline',
    'amount',
    'deal_currency_code',
    'closedate',
    'createdate',
    'closed_lost_reason',
    'closed_won_reason',
    'dealtype',
    'hs_is_closed_won',
    'hs_is_closed',
    'hs_lastmodifieddate',
    // A merged deal lists the deals merged into it: their old IDs are followed to it (client.ts).
    MERGED_IDS_PROPERTY,
    ...(leadIdProperty === '' ? [] : [leadIdProperty]),
  ];
}

/** Contact properties used as fallback identifiers; hashed on intake, never stored in plaintext. */
export const CONTACT_PROPERTIES: readonly string[] = [
  'email',
  'hs_additional_emails',
  'phone',
  'mobilephone',
  'firstname',
  'lastname',
  'address',
  'city',
  'state',
  'zip',
  'country',
];

/** Deal properties whose change can open, close, re-open or re-value a close. */
export const CLOSE_RELEVANT_PROPERTIES: ReadonlySet<string> = new Set([
  'dealstage',
  'amount',
  'deal_currency_code',
  'hs_is_closed',
  'hs_is_closed_won',
  'pipeline',
]);

export type StageOutcome = 'won' | 'lost' | 'open' | 'unknown';

function findStage(pipelines: readonly HubspotPipeline[], pipelineId: string | undefined, stageId: string) {
  const inPipeline = pipelines
    .find((pipeline) => pipeline.id === pipelineId)
    ?.stages.find((s) => s.id === stageId);
  // Stage IDs are unique within a portal, so a deal whose pipeline we were not told can still be placed.
  return inPipeline ?? pipelines.flatMap((pipeline) => pipeline.stages).find((stage) => stage.id === stageId);
}

/** Won, lost, open, or unknown (a custom stage we have no metadata for). */
export function classifyDealStage(
  properties: HubspotProperties,
  pipelines: readonly HubspotPipeline[] | undefined,
): StageOutcome {
  const won = parseFlag(properties.hs_is_closed_won);
  const closed = parseFlag(properties.hs_is_closed);
  if (won === true) return 'won';
  if (closed === false) return 'open';
  if (closed === true && won === false) return 'lost';
  const stageId = properties.dealstage?.trim();
  if (!stageId) return 'unknown';
  const pipelineId = properties.pipeline?.trim() || undefined;
  const stage = pipelines ? findStage(pipelines, pipelineId, stageId) : undefined;
  if (stage?.isClosed === false) return 'open';
  if (stage?.isClosed === true) {
    if (stage.probability !== undefined && stage.probability >= 1) return 'won';
    if (stage.probability === 0) return 'lost';
    return 'unknown';
  }
  if (pipelineId === undefined || pipelineId === DEFAULT_PIPELINE_ID) {
    if (stageId === 'closedwon') return 'won';
    if (stageId === 'closedlost') return 'lost';
    if (DEFAULT_OPEN_STAGES.includes(stageId)) return 'open';
  }
  return 'unknown';
}

/** Everything known about one deal at the time of the webhook. */
export type HubspotDealView = {
  dealId: string;
  /** From the CRM API when enriched, else what the webhook carried. */
  properties: HubspotProperties;
  /** When the deal entered its current stage, when a webhook said so (occurredAt or property timestamp). */
  stageChangedAt?: number;
  /** HubSpot's latest change time we know of: orders reports about the same deal. */
  updatedAt: number;
  /** The first associated contact's properties (plaintext, hashed here). */
  contact?: HubspotProperties;
  /** The close this deal became earlier, from its deal pointer. */
  pointerCloseKey?: string;
};

export type HubspotMappingContext = {
  leadIdProperty: string;
  defaultCurrency: string;
  /** DEFAULT_PHONE_COUNTRY: the country of a contact's national phone number when the contact names none. */
  defaultPhoneCountry?: string | undefined;
  closureReasonMap: Readonly<Record<string, string>>;
  pipelines?: readonly HubspotPipeline[];
  /** Processing time: no close time is placed after it. */
  now: number;
  /** CONVERSION_STAGES: the funnel stages deals and contacts may reach (map-deal-stages.ts). */
  stages?: readonly StageDefinition[];
};

/** A contact's identifiers, hashed; undefined when it has none. */
export function contactIdentityOf(
  contact: HubspotProperties | undefined,
  defaultPhoneCountry: string | undefined,
) {
  if (!contact) return undefined;
  const identity = hashIdentity(
    {
      emails: [
        contact.email,
        ...(contact.hs_additional_emails ?? '').split(';').map((email) => email.trim()),
      ],
      phones: [contact.phone, contact.mobilephone],
      firstName: contact.firstname,
      lastName: contact.lastname,
      street: contact.address,
      city: contact.city,
      region: contact.state,
      postalCode: contact.zip,
      country: contact.country,
    },
    { defaultPhoneCountry },
  );
  return hasAnyIdentifier(identity) ? identity : undefined;
}

/** A deal pointer's close key gives back the lead ID, unless the close was keyed by the deal itself. */
export function leadIdFromPointer(subjectKey: string, dealId: string): string | undefined {
  return subjectKey === closeKeyFor({ crm: 'hubspot', dealId }) ? undefined : subjectKey;
}

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** No stage-change time and a `closedate` outside 2000–2100 (9999-12-31): any other time would be a guess. */
function closeTimeProblem(view: HubspotDealView, properties: HubspotProperties): UnusableClose | undefined {
  if (view.stageChangedAt !== undefined) return undefined;
  const closedate = properties.closedate?.trim();
  if (!closedate || parseCrmTimestamp(closedate) !== undefined) return undefined;
  return { reason: 'invalid_close_time', message: 'closedate is not a date between 2000 and 2100' };
}

/** Decides what a deal's current state means for its close: record a won / lost / re-opened close, or ignore. */
export function mapHubspotDeal(view: HubspotDealView, context: HubspotMappingContext): CloseDecision {
  const properties = view.properties;
  const outcome = classifyDealStage(properties, context.pipelines);
  const { currency, unusable: badCurrency } = readCrmCurrency(
    properties.deal_currency_code,
    context.defaultCurrency,
    'deal_currency_code',
  );
  const stage = cleanCrmText(properties.dealstage, 256);
  const pipeline = cleanCrmText(properties.pipeline, 256);
  // The conversion time is when the deal reached the stage, never when we process it (reference §6).
  const closedAt = Math.min(
    context.now,
    view.stageChangedAt ??
      parseCrmTimestamp(properties.closedate) ??
      parseCrmTimestamp(properties.hs_lastmodifieddate) ??
      view.updatedAt,
  );
  const sourceUpdatedAt = Math.max(view.updatedAt, parseCrmTimestamp(properties.hs_lastmodifieddate) ?? 0);

  if (outcome === 'unknown') return { action: 'ignore', reason: 'unclassified_stage' };
  if (outcome === 'open') {
    if (view.pointerCloseKey === undefined) return { action: 'ignore', reason: 'open' };
    return {
      action: 'record',
      close: withoutUndefined({
        subjectKey: view.pointerCloseKey,
        leadId: leadIdFromPointer(view.pointerCloseKey, view.dealId),
        crm: 'hubspot',
        dealId: view.dealId,
        outcome: 'reopened',
        value: 0,
        currency,
        closedAt,
        sourceUpdatedAt,
        stage,
        pipeline,
      }),
    };
  }
  const dealCreatedAt = parseCrmTimestamp(properties.createdate);
  const amount = outcome === 'won' ? readCrmAmount(properties.amount) : ({ kind: 'absent' } as const);
  const unusable: UnusableClose | undefined =
    badCurrency ??
    (amount.kind === 'unreadable'
      ? { reason: 'invalid_amount', message: `amount ${amount.message}` }
      : undefined) ??
    closeTimeProblem(view, properties);
  const reason =
    outcome === 'lost'
      ? normaliseClosureReason(properties.closed_lost_reason, context.closureReasonMap)
      : { closureDetail: cleanCrmText(properties.closed_won_reason) };
  return {
    action: 'record',
    close: withoutUndefined({
      subjectKey: view.pointerCloseKey,
      leadId: parseLeadId(properties[context.leadIdProperty]),
      crm: 'hubspot',
      dealId: view.dealId,
      outcome,
      value: amount.kind === 'amount' ? amount.value : 0,
      currency,
      closedAt,
      sourceUpdatedAt,
      stage,
      pipeline,
      closureReason: reason.closureReason,
      closureDetail: reason.closureDetail,
      salesCycleDays: salesCycleDays(dealCreatedAt, closedAt),
      dealType: cleanCrmText(properties.dealtype, 256),
      dealCreatedAt,
      contactIdentity: contactIdentityOf(view.contact, context.defaultPhoneCountry),
      unusable,
    }),
  };
}

/**
 * Without API access, a change of amount or currency on a deal that already closed can only be applied to
 * what was recorded: a won close takes the new value (a lost one stays at 0).
 */
export function revalueRecordedClose(
  existing: CloseRecord,
  change: { amount?: string; currency?: string; updatedAt: number },
): CloseInput | undefined {
  if (existing.outcome !== 'won') return undefined;
  const value = change.amount === undefined ? existing.value : (parseAmount(change.amount) ?? existing.value);
  const currency = normaliseCurrency(change.currency, existing.currency);
  if (value === existing.value && currency === existing.currency) return undefined;
  const {
    subjectKey: _closeKey,
    version: _version,
    fingerprint: _fingerprint,
    previous: _previous,
    recordedAt: _recordedAt,
    updatedAt: _updatedAt,
    planned: _planned,
    ...input
  } = existing;
  // An older change than the one recorded is dropped by recordClose's ordering rule.
  return { ...input, value, currency, sourceUpdatedAt: change.updatedAt };
}
