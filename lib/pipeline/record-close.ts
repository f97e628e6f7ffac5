import {
  type CloseInput,
  type CloseRecord,
  type CloseWriteAction,
  type ConversionSubject,
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
export function closeFingerprint(
  close: Pick<CloseInput, 'outcome' | 'value' | 'currency' | 'unusable'>,
): string {
  // A close that could not be uploaded and now can (or the reverse) is news for the destinations too.
  const unusable = close.unusable ? `|unusable:${close.unusable.reason}` : '';
  return `${close.outcome}|${close.value.toFixed(2)}|${close.currency}${unusable}`;
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
  /** The recorder dispatches the new version itself until then (CloseRecord.claimedUntil). */
  claimUntil?: number,
): { action: CloseWriteAction; next?: CloseRecord } {
  const subjectKey = closeKeyFor(input);
  const fingerprint = closeFingerprint(input);
  const claim = claimUntil === undefined ? {} : { claimedUntil: claimUntil };
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
        ...claim,
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
  // An earlier version's claim ended with that version.
  // So is a reason it could not be uploaded: only the new report says whether one still holds.
  const { claimedUntil: _earlierClaim, unusable: _earlierUnusable, ...earlier } = existing;
  return {
    action: 'updated',
    next: {
      ...earlier,
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
      ...claim,
    },
  };
}

/** What a caller has already read, and whether the recorded version is its own to dispatch. */
export type RecordCloseOptions = {
  /**
   * Closes read just before (one read for the whole call): a key in `keys` is not read again, found or not.
   * On a conflict the close is read again all the same.
   */
  read?: { keys: ReadonlySet<string>; subjects: ReadonlyMap<string, ConversionSubject> };
  /** The deals' pointers as read: a pointer already naming the close is not written again. */
  pointers?: ReadonlyMap<string, string>;
  /** The recorder dispatches what it records until then (CloseRecord.claimedUntil). */
  claimUntil?: number;
};

/**
 * Records one close durably: read (or take what the caller read), decide, conditional write, and on a
 * concurrent write read again. Ten deliveries of the same close at once leave one record at one version.
 * The deal pointer goes beside the close: it names the key the deal keeps for life, so it is right even
 * when the close's write loses a race.
 */
export async function recordClose(
  store: Store,
  input: CloseInput,
  now: number,
  options: RecordCloseOptions = {},
): Promise<RecordCloseResult> {
  const subjectKey = closeKeyFor(input);
  let fromCaller = options.read?.keys.has(subjectKey) ?? false;
  return retryOnConflict(async () => {
    const existing = fromCaller
      ? (options.read?.subjects.get(subjectKey) as CloseRecord | undefined)
      : await store.getClose(subjectKey);
    fromCaller = false;
    const decision = decideCloseWrite(existing, input, now, options.claimUntil);
    if (!decision.next) return { subjectKey, action: decision.action, close: existing };
    const pointerKnown = input.dealId !== undefined && options.pointers?.get(input.dealId) === subjectKey;
    await Promise.all([
      store.putClose(decision.next, existing?.version),
      input.dealId && !pointerKnown ? store.putDealPointer(input.crm, input.dealId, subjectKey) : undefined,
    ]);
    return { subjectKey, action: decision.action, close: decision.next };
  });
}
