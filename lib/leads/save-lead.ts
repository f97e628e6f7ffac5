import { mapWithConcurrency } from '../concurrency';
import type { LeadRecord } from '../domain';
import { ConcurrentUpdateError } from '../errors';
import { retryOnConflict } from '../store/retry-on-conflict';
import type { Store } from '../store/store';
import { type LeadCapture, mergeLead } from './capture';

/**
 * Read, merge, conditional write; on a concurrent update, read again. Safe to repeat: the same capture
 * stored twice leaves the same lead (one more revision, no second item).
 */
export async function saveLeadCapture(
  store: Store,
  capture: LeadCapture,
  options: { now: number; retentionDays: number },
): Promise<{ created: boolean; lead: LeadRecord }> {
  const expiresAt = Math.floor(options.now / 1000) + options.retentionDays * 86_400;
  return retryOnConflict(async () => {
    const previous = await store.getLead(capture.leadId);
    const lead = mergeLead(previous, capture, options.now);
    await store.putLead(lead, previous?.revision, expiresAt);
    return { created: previous === undefined, lead };
  });
}

/**
 * Conditional writes of different leads in flight at once: a 500-lead request at 8 ms per DynamoDB call is
 * 16 rounds of writes instead of 500 read-write pairs one after another (issue 19), and stays below the
 * SDK's 50 sockets.
 */
const LEAD_WRITE_CONCURRENCY = 32;

/**
 * A batch of captures (collect): the stored leads read at once (BatchGetItem), then each lead written
 * with its own conditional write, different leads side by side; captures of the same lead are applied in
 * their order, one after the other, exactly as separate requests would be. A write that loses a race reads
 * that lead again (saveLeadCapture).
 */
export async function saveLeadCaptures(
  store: Store,
  captures: readonly LeadCapture[],
  options: { now: () => number; retentionDays: number },
): Promise<void> {
  const byLead = new Map<string, LeadCapture[]>();
  for (const capture of captures)
    byLead.set(capture.leadId, [...(byLead.get(capture.leadId) ?? []), capture]);
  const stored = byLead.size > 0 ? await store.getLeads([...byLead.keys()]) : new Map<string, LeadRecord>();
  // The first capture of a lead is written over what the batch read; if that lost a race, or for the
  // lead's later captures, the usual read-merge-write.
  const writeOverRead = async (capture: LeadCapture): Promise<boolean> => {
    const now = options.now();
    const previous = stored.get(capture.leadId);
    const expiresAt = Math.floor(now / 1000) + options.retentionDays * 86_400;
    try {
      await store.putLead(mergeLead(previous, capture, now), previous?.revision, expiresAt);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) return false;
      throw error;
    }
  };
  await mapWithConcurrency([...byLead.values()], LEAD_WRITE_CONCURRENCY, async (ofLead) => {
    for (const [index, capture] of ofLead.entries()) {
      if (index === 0 && (await writeOverRead(capture))) continue;
      await saveLeadCapture(store, capture, { now: options.now(), retentionDays: options.retentionDays });
    }
  });
}
