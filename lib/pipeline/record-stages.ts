import { mapWithConcurrency } from '../concurrency';
import { type StageInput, type StageRecord, stageSubjectKey } from '../domain';
import { METRIC_NAMES, type MetricsRecorder } from '../observability/metrics';
import type { Store } from '../store/store';

/**
 * Records the funnel stages CRM records (or a lead capture) reached, once each: a stage is written only if
 * it is not stored yet (one conditional write, no read), so a stage reached again — a deal moved back and
 * forward, a retried webhook, a poll of a change the webhook brought, ten concurrent deliveries of one
 * change — records nothing and sends nothing new. Only the writer that created a stage dispatches it.
 */
export type RecordStageResult = { subjectKey: string; created: boolean; stage: StageRecord };

// As the close intake's: a 100-event webhook's stages stay well inside HubSpot's answer window.
const WRITE_CONCURRENCY = 10;

/** One input per stage subject: of two reports of one stage in one call, the earlier time stands. */
function earliestPerStage(inputs: readonly StageInput[]): StageInput[] {
  const byKey = new Map<string, StageInput>();
  for (const input of inputs) {
    const key = stageSubjectKey(input.stage, input.leadKey);
    const known = byKey.get(key);
    if (!known || input.reachedAt < known.reachedAt) byKey.set(key, input);
  }
  return [...byKey.values()];
}

export function stageRecordOf(input: StageInput, now: number, claimUntil?: number): StageRecord {
  return {
    ...input,
    kind: 'stage',
    subjectKey: stageSubjectKey(input.stage, input.leadKey),
    version: 1,
    recordedAt: now,
    updatedAt: now,
    planned: false,
    claimedUntil: claimUntil,
  };
}

export async function recordStages(
  store: Pick<Store, 'putStage'>,
  inputs: readonly StageInput[],
  now: () => number,
  options: { claimUntil?: number | undefined; metrics?: MetricsRecorder | undefined } = {},
): Promise<RecordStageResult[]> {
  const results = await mapWithConcurrency(earliestPerStage(inputs), WRITE_CONCURRENCY, async (input) => {
    const stage = stageRecordOf(input, now(), options.claimUntil);
    const created = await store.putStage(stage);
    return { subjectKey: stage.subjectKey, created, stage };
  });
  for (const result of results) {
    if (result.created) {
      options.metrics?.count(METRIC_NAMES.stagesRecorded, {
        crm: result.stage.crm,
        stage: result.stage.stage,
      });
    }
  }
  return results;
}

/** The stages this call created, as written: what the destinations have something new to do for. */
export function createdStages(results: readonly RecordStageResult[]): Map<string, StageRecord> {
  return new Map(
    results.filter((result) => result.created).map((result) => [result.subjectKey, result.stage]),
  );
}
