import { CRM_DISPLAY_NAMES } from '../../lib/crm/registry';
import {
  type ConversionSubject,
  type DeliveryRecord,
  isOrderSubject,
  isStageSubject,
  type LeadRecord,
  type StageRecord,
} from '../../lib/domain';
import { maskIp } from '../demo-print';
import { buildSubjectReport, type SubjectReport } from '../subject-report';

/**
 * One subject's timeline (pure): its lead's capture, the funnel stages it reached, its close (or order, or the
 * stage itself), then each destination's
 * attempts and platform answers and the processing result, oldest first — beside the subject report of
 * `npm run status -- --subject` (subject-report.ts), which carries each payload as built (identifiers
 * abbreviated). Of the lead only what is not personal is shown: which click IDs it brought (not their
 * values), its consent, its IP address masked and its browser's name.
 */
export type TimelineEvent = {
  at: number;
  kind: 'capture' | 'stage' | 'close' | 'order' | 'upload' | 'processing' | 'decision';
  /** Another subject's timeline (a stage of this close's lead). */
  href?: string;
  destination?: string;
  title: string;
  detail?: string;
  responseId?: string;
};

export type Timeline = {
  report: SubjectReport;
  crm?: string;
  lead?: {
    capturedAt: number;
    source: string;
    clickIds: string[];
    marketingConsent?: boolean;
    ip?: string;
    browser?: string;
  };
  events: TimelineEvent[];
};

const money = (value: number, currency: string) =>
  `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

export function buildTimeline(
  subjectKey: string,
  subject: ConversionSubject | undefined,
  lead: LeadRecord | undefined,
  deliveries: readonly DeliveryRecord[],
  /** The funnel stages this close's lead reached (their own subjects). */
  stages: readonly StageRecord[] = [],
): Timeline {
  const report = buildSubjectReport(subjectKey, subject, deliveries);
  const events: TimelineEvent[] = [];
  if (lead) {
    events.push({
      at: lead.capturedAt,
      kind: 'capture',
      title: 'lead captured',
      detail: `${lead.source} · click IDs: ${
        Object.keys(lead.clickIds ?? {})
          .sort()
          .join(', ') || 'none'
      }`,
    });
  }
  const stageEvent = (stage: StageRecord, href?: string): TimelineEvent => ({
    at: stage.reachedAt,
    kind: 'stage',
    title: `reached ${stage.stage}`,
    detail: `${CRM_DISPLAY_NAMES[stage.crm] ?? stage.crm} ${stage.origin}${stage.implied ? ' (implied by a later stage or the close)' : ''}`,
    ...(href ? { href } : {}),
  });
  for (const stage of stages)
    events.push(stageEvent(stage, `/subjects/${encodeURIComponent(stage.subjectKey)}`));
  if (subject && isOrderSubject(subject)) {
    events.push({
      at: subject.occurredAt,
      kind: 'order',
      title: 'order completed',
      detail: money(subject.value, subject.currency),
    });
  } else if (subject && isStageSubject(subject)) {
    events.push(stageEvent(subject));
  } else if (subject) {
    const crm = CRM_DISPLAY_NAMES[subject.crm] ?? subject.crm;
    events.push({
      at: subject.closedAt,
      kind: 'close',
      title: `closed ${subject.outcome}`,
      detail: [
        `${crm}${subject.dealId ? ` deal ${subject.dealId}` : ''}`,
        subject.outcome === 'won' ? money(subject.value, subject.currency) : undefined,
        subject.closureReason ? `reason ${subject.closureReason}` : undefined,
        `version ${subject.version}`,
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }
  for (const delivery of report.destinations) {
    for (const entry of delivery.history) {
      events.push({
        at: entry.at,
        kind: entry.kind,
        destination: delivery.destination,
        title: `${delivery.destination} ${entry.kind === 'upload' ? 'upload' : entry.kind === 'processing' ? 'processing result' : 'decision'}: ${entry.status}`,
        ...(entry.code || entry.message
          ? {
              detail: [entry.code, entry.message !== entry.code ? entry.message : undefined]
                .filter(Boolean)
                .join(' — '),
            }
          : {}),
        ...(entry.responseId ? { responseId: entry.responseId } : {}),
      });
    }
  }
  events.sort((a, b) => a.at - b.at);
  return {
    report,
    ...(subject && !isOrderSubject(subject) ? { crm: subject.crm } : {}),
    ...(lead
      ? {
          lead: {
            capturedAt: lead.capturedAt,
            source: lead.source,
            clickIds: Object.keys(lead.clickIds ?? {}).sort(),
            ...(lead.consent ? { marketingConsent: lead.consent.marketing } : {}),
            ...(lead.ipAddress ? { ip: maskIp(lead.ipAddress) } : {}),
            ...(lead.userAgent ? { browser: lead.userAgent.split(' ')[0] ?? '' } : {}),
          },
        }
      : {}),
    events,
  };
}
