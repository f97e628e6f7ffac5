import { ConcurrentUpdateError } from '../errors';
import type { LeadRecord } from '../store/records';
import type { Store } from '../store/store';
import { type LeadCapture, mergeLead } from './capture';

const MAX_ATTEMPTS = 8;

/**
 * Read, merge, conditional write; on a concurrent update, read again. Safe to repeat: the same capture
 * stored twice leaves the same lead (one more revision, no second item).
 */
export async function saveLeadCapture(
  store: Store,
  capture: LeadCapture,
  options: { now: number; retentionDays: number },
): Promise<{ created: boolean; lead: LeadRecord }> {
  for (let attempt = 1; ; attempt++) {
    const previous = await store.getLead(capture.leadId);
    const lead = mergeLead(previous, capture, options.now);
    const expiresAt = Math.floor(options.now / 1000) + options.retentionDays * 86_400;
    try {
      await store.putLead(lead, previous?.revision, expiresAt);
      return { created: previous === undefined, lead };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
