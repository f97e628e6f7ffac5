import type { Destination } from '../destinations/types';
import type { DeliveryRecord, ProcessingCheckRecord } from '../domain';
import type { PipelineContext } from './context';

/**
 * Deliveries a platform took for later processing (`accepted`) are grouped by the request that carried
 * them, and one check per request is recorded, due `checkDelayMs` after the upload. A request that carried
 * one delivery (the webhook's case) keeps its check on that delivery, so the delivery's own write records
 * both at once — no window in which an accepted delivery has no check, and one DynamoDB call fewer per
 * close. A larger request's check is its own item, written before the deliveries: a check whose deliveries
 * were then not recorded (a lost race, a crash) finds them not accepted under its request ID and changes
 * nothing.
 */
export async function recordProcessingChecks(
  context: PipelineContext,
  destinations: ReadonlyMap<string, Destination>,
  results: { next: DeliveryRecord | undefined }[],
): Promise<void> {
  const now = context.now();
  const checks = new Map<string, { check: ProcessingCheckRecord; carriers: (typeof results)[number][] }>();
  for (const result of results) {
    const { next } = result;
    // A check read with the delivery belongs to its earlier request: never carried over to a new one.
    if (next?.processingCheck) {
      const { processingCheck: _previous, ...rest } = next;
      result.next = rest;
    }
    const delivery = result.next;
    if (delivery?.status !== 'accepted' || !delivery.platformResponseId) continue;
    const source = destinations.get(delivery.destination)?.processing;
    if (!source) continue;
    const key = `${delivery.destination}|${delivery.platformResponseId}`;
    const entry = checks.get(key) ?? {
      check: {
        destination: delivery.destination,
        requestId: delivery.platformResponseId,
        uploadedAt: now,
        checkAt: now + source.checkDelayMs,
        checks: 0,
        events: 0,
        subjectKeys: [],
      },
      carriers: [],
    };
    entry.check.subjectKeys.push(delivery.subjectKey);
    entry.check.events = entry.check.subjectKeys.length;
    entry.carriers.push(result);
    checks.set(key, entry);
  }
  const own: ProcessingCheckRecord[] = [];
  for (const { check, carriers } of checks.values()) {
    const [only] = carriers;
    if (carriers.length === 1 && only?.next) {
      only.next = { ...only.next, processingCheck: { checkAt: check.checkAt, checks: 0 } };
    } else own.push(check);
  }
  await Promise.all(own.map((check) => context.store.putProcessingCheck(check)));
}
