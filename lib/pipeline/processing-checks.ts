import type { Destination } from '../destinations/types';
import type { DeliveryRecord, ProcessingCheckRecord } from '../domain';
import type { PipelineContext } from './context';

/**
 * Deliveries a platform took for later processing (`accepted`) are grouped by the request that carried
 * them, and one check per request is recorded, due `checkDelayMs` after the upload. Written before the
 * deliveries: a check whose deliveries were then not recorded (a lost race, a crash) finds them not
 * accepted under its request ID and changes nothing.
 */
export async function recordProcessingChecks(
  context: PipelineContext,
  destinations: ReadonlyMap<string, Destination>,
  results: readonly { next: DeliveryRecord | undefined }[],
): Promise<void> {
  const now = context.now();
  const checks = new Map<string, ProcessingCheckRecord>();
  for (const { next } of results) {
    if (next?.status !== 'accepted' || !next.platformResponseId) continue;
    const source = destinations.get(next.destination)?.processing;
    if (!source) continue;
    const key = `${next.destination}|${next.platformResponseId}`;
    const check = checks.get(key) ?? {
      destination: next.destination,
      requestId: next.platformResponseId,
      uploadedAt: now,
      checkAt: now + source.checkDelayMs,
      checks: 0,
      events: 0,
      subjectKeys: [],
    };
    check.subjectKeys.push(next.subjectKey);
    check.events = check.subjectKeys.length;
    checks.set(key, check);
  }
  await Promise.all([...checks.values()].map((check) => context.store.putProcessingCheck(check)));
}
