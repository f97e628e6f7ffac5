import type { ConsentRecord } from './consent';
import type { HashedIdentity } from './identity';
import type { UnusableClose } from './money';

/**
 * Where a close came from: a CRM's name as lib/crm/registry.ts lists it (`hubspot`, `salesforce`), or `api`
 * for a `lead_closed` pushed to the collect endpoint. Open, so that a new CRM needs no change here; its
 * display name travels with the conversion (lib/pipeline/conversion.ts).
 */
export type CrmName = string;

/**
 * The source of a `lead_closed` pushed to `POST /v1/events`. Its `user` is the sender's own statement about
 * the lead's person (the event is keyed by the lead ID), not one of a deal's contacts.
 */
export const PUSHED_CLOSE_CRM = 'api';
/**
 * Won and lost stand as conversions; `reopened` (the deal left its terminal stage) and `deleted` (the deal
 * was deleted in the CRM, or merged into another deal's close) take back what was sent, where a platform can.
 */
export type CloseOutcome = 'won' | 'lost' | 'reopened' | 'deleted';

/** A close the CRM took back: re-opened or deleted. Nothing is sent for it; what was sent is retracted. */
export function isWithdrawn(outcome: CloseOutcome): outcome is 'reopened' | 'deleted' {
  return outcome === 'reopened' || outcome === 'deleted';
}

/** What a CRM webhook, a CRM poll or a pushed `lead_closed` says about a deal's terminal stage. */
export type CloseInput = {
  /**
   * The key the deal's close already has (from its deal pointer). A deal keeps its first key for life:
   * a lead ID added to the deal later updates that close rather than starting a second conversion.
   */
  subjectKey?: string;
  leadId?: string;
  crm: CrmName;
  dealId?: string;
  outcome: CloseOutcome;
  /** Deal amount when won, 0 when lost (the seed's rule). */
  value: number;
  currency: string;
  /** When the deal closed in the CRM (ms): the conversion time, never the time of upload. */
  closedAt: number;
  /** The CRM's own change time (ms); an older change never overwrites a newer one. */
  sourceUpdatedAt: number;
  stage?: string;
  pipeline?: string;
  closureReason?: string;
  closureDetail?: string;
  salesCycleDays?: number;
  dealType?: string;
  dealCreatedAt?: number;
  /** Identifiers of the CRM's contact, hashed on intake: the fallback when the lead is unknown. */
  contactIdentity?: HashedIdentity;
  userId?: string;
  consent?: ConsentRecord;
  /** A value the CRM sent cannot be right: recorded, and skipped with this reason at every destination. */
  unusable?: UnusableClose;
};

/** A recorded close: the input plus its key and version history. */
export type CloseRecord = CloseInput & {
  subjectKey: string;
  version: number;
  /** Outcome, value and currency: a change in any is a new version the destinations must adjust to. */
  fingerprint: string;
  previous?: { version: number; outcome: CloseOutcome; value: number; currency: string };
  recordedAt: number;
  updatedAt: number;
  /** Deliveries for this version not yet planned: the close sits in the due index until they are. */
  planned: boolean;
  /**
   * The call that recorded this version dispatches it itself until then (ms): no one else plans it before,
   * and it enters the due index at that time, so the backfill takes it over only if that call did not
   * finish. Written with the version, in the same conditional write.
   */
  claimedUntil?: number;
};

/** The close key: the deal's existing key, else the lead ID when the CRM gave one, else `<crm>-deal:<dealId>`. */
export function closeKeyFor(close: {
  subjectKey?: string | undefined;
  leadId?: string | undefined;
  crm: string;
  dealId?: string | undefined;
}): string {
  if (close.subjectKey) return close.subjectKey;
  if (close.leadId) return close.leadId;
  if (!close.dealId) throw new Error('a close needs a lead ID or a CRM deal ID');
  return `${close.crm}-deal:${close.dealId}`;
}

/**
 * What a CRM's mapping decides about one deal as it now stands: the close to record (won, lost, or
 * re-opened after a recorded close), or why there is none.
 */
export type CloseDecision =
  | { action: 'record'; close: CloseInput }
  | { action: 'ignore'; reason: 'open' | 'unclassified_stage' };

/** What recording a close report did to the stored close. */
export type CloseWriteAction = 'created' | 'updated' | 'unchanged' | 'stale' | 'ignored';

/** Whether a close write changed what the destinations must be told (a new close, or its next version). */
export function closeWriteChanged(action: CloseWriteAction): boolean {
  return action === 'created' || action === 'updated';
}
