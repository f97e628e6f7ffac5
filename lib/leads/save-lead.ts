import type { LeadRecord } from '../domain';
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
