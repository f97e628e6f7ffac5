import type { RequestDescription } from '../lib/destinations/types';
import {
  type AttemptEntry,
  type ConversionSubject,
  type DeliveryRecord,
  isStageSubject,
  type ProcessingResult,
} from '../lib/domain';
import { requestRows } from './demo-print';

/**
 * `npm run status -- --subject <leadId | order:<id>>` (pure): one close's (or order's) whole story, per
 * destination — the payload as built (hashed identifiers abbreviated `sha256:<12 hex>…`, as the demo shows
 * them), every attempt kept on the delivery with the platform's answer and request or trace ID, and the
 * platform's processing result.
 */
export type SubjectReport = {
  subjectKey: string;
  found: boolean;
  subject?: {
    version: number;
    outcome?: string;
    value?: number;
    currency?: string;
    closedAt?: number;
    /** A funnel stage: its name and when the lead reached it. */
    stage?: string;
    reachedAt?: number;
  };
  /** `--subject <leadId>`: the funnel stages this lead reached, each with its own deliveries. */
  stages?: SubjectReport[];
  destinations: {
    destination: string;
    status: string;
    attempts: number;
    platformResponseId?: string;
    lastError?: string;
    /** The payload's fields as shown: `[path, value]`, identifiers abbreviated. */
    payload?: [string, string][];
    payloadUrl?: string;
    history: AttemptEntry[];
    processing?: ProcessingResult;
  }[];
};

function isRequest(payload: unknown): payload is RequestDescription {
  return typeof payload === 'object' && payload !== null && 'url' in payload && 'body' in payload;
}

export function buildSubjectReport(
  subjectKey: string,
  subject: ConversionSubject | undefined,
  deliveries: Iterable<DeliveryRecord>,
): SubjectReport {
  const closeFields = subject as (ConversionSubject & Partial<Record<string, unknown>>) | undefined;
  return {
    subjectKey,
    found: subject !== undefined,
    ...(subject
      ? {
          subject: {
            version: subject.version,
            ...(typeof closeFields?.outcome === 'string' ? { outcome: closeFields.outcome } : {}),
            ...(typeof closeFields?.value === 'number' ? { value: closeFields.value } : {}),
            ...(typeof closeFields?.currency === 'string' ? { currency: closeFields.currency } : {}),
            ...(typeof closeFields?.closedAt === 'number' ? { closedAt: closeFields.closedAt } : {}),
            ...(isStageSubject(subject) ? { stage: subject.stage, reachedAt: subject.reachedAt } : {}),
          },
        }
      : {}),
    destinations: [...deliveries]
      .sort((a, b) => a.destination.localeCompare(b.destination))
      .map((delivery) => ({
        destination: delivery.destination,
        status: delivery.status,
        attempts: delivery.attempts,
        ...(delivery.platformResponseId ? { platformResponseId: delivery.platformResponseId } : {}),
        ...(delivery.lastError ? { lastError: delivery.lastError } : {}),
        ...(isRequest(delivery.payload)
          ? {
              payload: requestRows(delivery.payload),
              payloadUrl: `${delivery.payload.method} ${delivery.payload.url}`,
            }
          : {}),
        history: delivery.history ?? [],
        ...(delivery.processing ? { processing: delivery.processing } : {}),
      })),
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function formatSubjectReport(report: SubjectReport): string {
  const stages = (report.stages ?? []).map((stage) => formatSubjectReport(stage));
  if (!report.found && report.destinations.length === 0) {
    const none = `${report.subjectKey}: no close or order recorded`;
    return stages.length === 0 ? none : [none, ...stages].join('\n\n');
  }
  const head = report.subject?.stage
    ? `${report.subjectKey} · stage ${report.subject.stage}${
        report.subject.value !== undefined
          ? ` ${report.subject.value} ${report.subject.currency ?? ''}`.trimEnd()
          : ''
      }${report.subject.reachedAt !== undefined ? ` · reached ${iso(report.subject.reachedAt)}` : ''}`
    : report.subject
      ? `${report.subjectKey} · version ${report.subject.version}${report.subject.outcome ? ` · ${report.subject.outcome}` : ''}${
          report.subject.value !== undefined
            ? ` ${report.subject.value} ${report.subject.currency ?? ''}`.trimEnd()
            : ''
        }${report.subject.closedAt !== undefined ? ` · closed ${iso(report.subject.closedAt)}` : ''}`
      : `${report.subjectKey} (its close is gone)`;
  const sections = [head];
  for (const delivery of report.destinations) {
    const lines = [
      `${delivery.destination}: ${delivery.status} after ${delivery.attempts} attempt(s)${
        delivery.platformResponseId ? ` · request ${delivery.platformResponseId}` : ''
      }${delivery.lastError ? ` — ${delivery.lastError}` : ''}`,
    ];
    if (delivery.payload) {
      lines.push(`  payload as built → ${delivery.payloadUrl}`);
      const width = Math.max(...delivery.payload.map(([path]) => path.length));
      for (const [path, value] of delivery.payload) lines.push(`    ${path.padEnd(width)}  ${value}`);
    }
    lines.push(delivery.history.length === 0 ? '  attempts: none recorded' : '  attempts:');
    for (const entry of delivery.history) {
      lines.push(
        `    ${iso(entry.at)}  ${entry.kind.padEnd(10)} ${entry.status}${entry.responseId ? ` · ${entry.responseId}` : ''}${
          entry.code ? ` · ${entry.code}` : ''
        }${entry.message && entry.message !== entry.code ? ` — ${entry.message}` : ''}`,
      );
    }
    if (delivery.processing) {
      const { processing } = delivery;
      lines.push(
        `  processing result: ${processing.status} for request ${processing.requestId} (${processing.events} event(s), checked ${iso(processing.checkedAt)})${
          processing.summary ? ` — ${processing.summary}` : ''
        }`,
      );
    }
    sections.push(lines.join('\n'));
  }
  return [...sections, ...stages].join('\n\n');
}
