import { type DeliveryRecord, deliveryState, failureReason } from '../domain';
import { METRIC_NAMES, type MetricsRecorder } from '../observability/metrics';
import type { PipelineLogger } from './context';

/**
 * What recorded deliveries tell operators (README → Deploy, Observability): `Deliveries` by destination
 * and status for every recorded status change, `DeliveriesGivenUp` by destination and reason for every
 * delivery that stops being retried (`failed:<reason>`), with one warn line per destination and reason, and
 * `LeadJoinMisses` by CRM. Counts and keys only: a close key is the pseudonymous lead ID, never PII.
 */

/** At most this many subject keys are named in one give-up log line (the status report lists the rest). */
const LOGGED_SUBJECT_KEYS = 10;

export function countRecordedDelivery(metrics: MetricsRecorder | undefined, delivery: DeliveryRecord): void {
  if (!metrics) return;
  metrics.count(METRIC_NAMES.deliveries, { destination: delivery.destination, status: delivery.status });
  const reason = failureReason(delivery.status);
  if (reason !== undefined) {
    metrics.count(METRIC_NAMES.deliveriesGivenUp, { destination: delivery.destination, reason });
    // The platform refused the row itself (the processing checks count Google's later drops).
    if (delivery.rejectedByPlatform) countPlatformRejections(metrics, delivery.destination, reason, 1);
  }
}

/** `PlatformRejections` by destination and reason: conversions a platform refused or dropped. */
export function countPlatformRejections(
  metrics: MetricsRecorder | undefined,
  destination: string,
  reason: string,
  count: number,
): void {
  if (metrics && count > 0) metrics.count(METRIC_NAMES.platformRejections, { destination, reason }, count);
}

/** One warn line per destination and reason: a give-up is never silent, and never 5,000 lines either. */
export function logGivenUp(logger: PipelineLogger | undefined, recorded: readonly DeliveryRecord[]): void {
  if (!logger) return;
  const groups = new Map<string, DeliveryRecord[]>();
  for (const delivery of recorded) {
    if (deliveryState(delivery.status) !== 'failed') continue;
    const key = `${delivery.destination}|${delivery.status}`;
    groups.set(key, [...(groups.get(key) ?? []), delivery]);
  }
  for (const deliveries of groups.values()) {
    const first = deliveries[0] as DeliveryRecord;
    logger.warn('deliveries given up', {
      destination: first.destination,
      reason: failureReason(first.status),
      count: deliveries.length,
      lastErrorCode: first.lastErrorCode,
      closes: deliveries.slice(0, LOGGED_SUBJECT_KEYS).map((delivery) => delivery.subjectKey),
    });
  }
}

/**
 * Closes with a lead ID whose lead is not stored, counted once per close when its deliveries first miss
 * it (a delivery already waiting for the lead was counted when it started waiting).
 */
export function countLeadJoinMisses(
  metrics: MetricsRecorder | undefined,
  jobs: readonly {
    // Structural: whatever the job's subject is, only a lead ID can miss its lead.
    subject: { subjectKey: string; leadId?: string | undefined; crm?: string };
    delivery: Pick<DeliveryRecord, 'status'>;
  }[],
  leads: ReadonlyMap<string, unknown>,
): void {
  if (!metrics) return;
  const missed = new Map<string, string>();
  for (const { subject, delivery } of jobs) {
    if (!subject.leadId || leads.has(subject.leadId) || delivery.status === 'waiting_for_lead') continue;
    missed.set(subject.subjectKey, subject.crm ?? 'unknown');
  }
  for (const crm of missed.values()) metrics.count(METRIC_NAMES.leadJoinMisses, { crm });
}
