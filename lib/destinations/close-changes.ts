import type { LeadClosedConversion, RowDecision } from './types';

/**
 * What a new version of a close means on a platform that has no conversion adjustment (GA4, TikTok; Meta
 * keeps its own copy of this rule): an event, once sent, cannot be re-valued or retracted. A re-valued deal
 * is not re-sent (it would count twice, or be dropped as a duplicate); a won ↔ lost flip is sent only where
 * won and lost are events of their own name; a re-opened deal cannot be taken back.
 */
export function decideUnadjustableChange(
  conversion: LeadClosedConversion,
  options: { platform: string; outcomeNamed: boolean; namingHint?: string },
): RowDecision<never> | undefined {
  const { close, delivered } = conversion;
  if (close.outcome === 'reopened') {
    return delivered
      ? {
          kind: 'skip',
          reason: 'retraction_unsupported',
          message: `the deal re-opened; ${options.platform} cannot retract an event`,
        }
      : { kind: 'skip', reason: 'reopened', message: 'the deal was re-opened before anything was sent' };
  }
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
      message: `the deal changed outcome; a second event of the same name would count it twice${
        options.namingHint ? ` (${options.namingHint})` : ''
      }`,
    };
  }
  return undefined;
}
