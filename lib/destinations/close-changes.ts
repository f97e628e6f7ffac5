import { isWithdrawn } from '../domain';
import type { LeadClosedConversion, RowDecision } from './types';

/**
 * A close the CRM took back (re-opened, or deleted — or merged into a deal already counted) on a platform
 * that cannot retract a conversion. Nothing sent yet: the delivery is cancelled (`skipped:reopened`,
 * `skipped:deleted`). Sent already: the platform keeps it, and the delivery says so
 * (`skipped:retraction_unsupported` for a re-opened deal, `skipped:deleted_after_upload` for a deleted one,
 * which the status report counts). Undefined for a close that stands.
 */
export function decideWithdrawnClose(
  conversion: LeadClosedConversion,
  options: { platform: string; retractHint?: string },
): RowDecision<never> | undefined {
  const { close, delivered } = conversion;
  if (!isWithdrawn(close.outcome)) return undefined;
  const sent = delivered !== undefined && !delivered.retracted;
  if (close.outcome === 'reopened') {
    return sent
      ? {
          kind: 'skip',
          reason: 'retraction_unsupported',
          message: `the deal re-opened; ${options.platform} cannot retract an event`,
        }
      : { kind: 'skip', reason: 'reopened', message: 'the deal was re-opened before anything was sent' };
  }
  return sent
    ? {
        kind: 'skip',
        reason: 'deleted_after_upload',
        message: `the deal was deleted in the CRM after its conversion was sent; ${options.platform} cannot retract it (${options.retractHint ?? 'remove it there if it must not count'})`,
      }
    : {
        kind: 'skip',
        reason: 'deleted',
        message: 'the deal was deleted in the CRM before anything was sent',
      };
}

/**
 * The platform already holds exactly this close (same outcome, value and currency, not retracted): a new
 * version that changed nothing the platform knows — a deleted deal restored, a merge — sends nothing.
 */
export function decideUnchangedAtPlatform(
  conversion: LeadClosedConversion,
  options: { platform: string },
): RowDecision<never> | undefined {
  const { close, delivered } = conversion;
  if (
    !delivered ||
    delivered.retracted ||
    delivered.outcome !== close.outcome ||
    delivered.value !== close.value ||
    delivered.currency !== close.currency
  ) {
    return undefined;
  }
  return {
    kind: 'skip',
    reason: 'unchanged',
    message: `${options.platform} already has this conversion with this outcome and value`,
  };
}

/**
 * What a new version of a close means on a platform that has no conversion adjustment (Meta, GA4, TikTok):
 * an event, once sent, cannot be re-valued or retracted. A re-valued deal is not re-sent (it would count
 * twice, or be dropped as a duplicate); a won ↔ lost flip is sent only where won and lost are events of
 * their own name; a re-opened or deleted deal cannot be taken back.
 */
export function decideUnadjustableChange(
  conversion: LeadClosedConversion,
  options: {
    platform: string;
    outcomeNamed: boolean;
    /** How the message names the event that would count twice. */
    secondEvent?: string;
    namingHint?: string;
  },
): RowDecision<never> | undefined {
  const { close, delivered } = conversion;
  const withdrawn = decideWithdrawnClose(conversion, options);
  if (withdrawn) return withdrawn;
  const unchanged = decideUnchangedAtPlatform(conversion, options);
  if (unchanged) return unchanged;
  if (delivered && !delivered.retracted && delivered.outcome === close.outcome) {
    return {
      kind: 'skip',
      reason: 'revalue_unsupported',
      message: `${options.platform} has no conversion adjustment; the event already sent keeps its value`,
    };
  }
  if (delivered && delivered.outcome !== close.outcome && !options.outcomeNamed) {
    return {
      kind: 'skip',
      reason: 'outcome_change_unsupported',
      message: `the deal changed outcome; ${options.secondEvent ?? 'a second event of the same name'} would count it twice${
        options.namingHint ? ` (${options.namingHint})` : ''
      }`,
    };
  }
  return undefined;
}
