import type { CloseInput, CloseRecord, CrmName } from './close';

/**
 * What the connector remembers of one CRM deal (`DEAL#<crm>#<dealId>`, lib/store/subjects.ts): the close
 * it became, and what happened to the deal itself since — merged into another deal, deleted, restored.
 * Those marks order the CRM's lifecycle events, which may arrive late or out of order, and the status
 * report counts them.
 */
export type DealPointer = {
  crm: CrmName;
  dealId: string;
  /** The close the deal became (absent for a merged deal's old ID when neither deal was ever a close). */
  subjectKey?: string;
  /** The deal HubSpot merged this one into: its old ID now reads as that deal. */
  mergedInto?: string;
  mergedAt?: number;
  deletedAt?: number;
  restoredAt?: number;
};

/** The lifecycle marks a deal pointer takes (written beside its close key, never replacing it). */
export type DealLifecycleMarks = Pick<DealPointer, 'mergedInto' | 'mergedAt' | 'deletedAt' | 'restoredAt'>;

/** A recorded close as the report it came from, to build its next version from (pure). */
export function closeInputOf(close: CloseRecord): CloseInput {
  const {
    subjectKey: _subjectKey,
    version: _version,
    fingerprint: _fingerprint,
    previous: _previous,
    recordedAt: _recordedAt,
    updatedAt: _updatedAt,
    planned: _planned,
    ...input
  } = close;
  return { ...input, subjectKey: close.subjectKey };
}

/** Whether a deletion at `at` still stands for this deal: not after a later restore, not of a merged-away ID. */
export function deletionApplies(pointer: DealPointer | undefined, at: number): boolean {
  if (!pointer?.subjectKey || pointer.mergedInto !== undefined) return false;
  return at > (pointer.restoredAt ?? Number.NEGATIVE_INFINITY);
}

/** Whether a restore at `at` still stands: not before a later deletion. */
export function restoreApplies(pointer: DealPointer | undefined, at: number): boolean {
  return at > (pointer?.deletedAt ?? Number.NEGATIVE_INFINITY);
}

/**
 * The close of a deleted deal: its next version, `deleted` (nothing left to send, what was sent retracted
 * where the platform can). Everything else of the close is kept, so a restore can put it back. Undefined
 * when it is deleted already.
 */
export function deletedCloseInput(close: CloseRecord, at: number): CloseInput | undefined {
  if (close.outcome === 'deleted') return undefined;
  return { ...closeInputOf(close), outcome: 'deleted', value: 0, sourceUpdatedAt: at };
}

/**
 * The close of a restored deal, as it stood before its deletion (the version `previous` remembers), when
 * nothing newer is known of the deal. Undefined unless the close is deleted.
 */
export function restoredCloseInput(close: CloseRecord, at: number): CloseInput | undefined {
  if (close.outcome !== 'deleted' || !close.previous) return undefined;
  const { outcome, value, currency } = close.previous;
  return { ...closeInputOf(close), outcome, value, currency, sourceUpdatedAt: at };
}
