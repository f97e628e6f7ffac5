import {
  type CloseInput,
  type CloseRecord,
  type CloseWriteAction,
  closeKeyFor,
  isWithdrawn,
} from '../domain';
import { retryOnConflict } from '../store/retry-on-conflict';
import type { Store } from '../store/store';

export type RecordCloseResult = {
  subjectKey: string;
  action: CloseWriteAction;
  close: CloseRecord | undefined;
};

/** Outcome, value and currency: what the ad platforms were told; a change in any is a new version. */
export function closeFingerprint(close: Pick<CloseInput, 'outcome' | 'value' | 'currency'>): string {
  return `${close.outcome}|${close.value.toFixed(2)}|${close.currency}`;
}

/**
 * Decides what a close report does to the stored close (pure). A repeat changes nothing; an older report
 * than the one stored (CRMs retry out of order) changes nothing; a re-opened, flipped or re-valued deal
 * becomes the next version, keeping what the previous one said so destinations can adjust.
 */
export function decideCloseWrite(
  existing: CloseRecord | undefined,
  input: CloseInput,
  now: number,
): { action: CloseWriteAction; next?: CloseRecord } {
  const subjectKey = closeKeyFor(input);
  const fingerprint = closeFingerprint(input);
  if (!existing) {
    // A deal re-opened or deleted before we ever saw it close has nothing to retract.
    if (isWithdrawn(input.outcome)) return { action: 'ignored' };
    return {
      action: 'created',
      next: {
        ...input,
        subjectKey,
        version: 1,
        fingerprint,
        recordedAt: now,
        updatedAt: now,
        planned: false,
      },
    };
  }
  if (input.sourceUpdatedAt < existing.sourceUpdatedAt) return { action: 'stale' };
  // A deal that closed without a lead ID and has one now: the close can be joined to its lead at last.
  const leadIdLearned = existing.leadId === undefined && input.leadId !== undefined;
  if (fingerprint === existing.fingerprint && !leadIdLearned) return { action: 'unchanged' };
  // A deal re-valued in the same outcome still closed when it first got there: a Salesforce message for an
  // amount change carries the change's LastModifiedDate, which is not the conversion time (reference §6).
  const sameOutcome = input.outcome === existing.outcome;
  return {
    action: 'updated',
    next: {
      ...existing,
      ...input,
      ...(sameOutcome
        ? { closedAt: existing.closedAt, salesCycleDays: existing.salesCycleDays ?? input.salesCycleDays }
        : {}),
      // The contact's identifiers may come from an earlier report only; never drop them.
      contactIdentity: input.contactIdentity ?? existing.contactIdentity,
      leadId: input.leadId ?? existing.leadId,
      subjectKey,
      version: existing.version + 1,
      fingerprint,
      previous: {
        version: existing.version,
        outcome: existing.outcome,
        value: existing.value,
        currency: existing.currency,
      },
      recordedAt: existing.recordedAt,
      updatedAt: now,
      planned: false,
    },
  };
}

/**
 * Records one close durably: read, decide, conditional write, and on a concurrent write read again.
 * Ten deliveries of the same close at once leave one record at one version.
 */
export async function recordClose(store: Store, input: CloseInput, now: number): Promise<RecordCloseResult> {
  const subjectKey = closeKeyFor(input);
  return retryOnConflict(async () => {
    const existing = await store.getClose(subjectKey);
    const decision = decideCloseWrite(existing, input, now);
    if (!decision.next) return { subjectKey, action: decision.action, close: existing };
    await store.putClose(decision.next, existing?.version);
    if (input.dealId) await store.putDealPointer(input.crm, input.dealId, subjectKey);
    return { subjectKey, action: decision.action, close: decision.next };
  });
}
