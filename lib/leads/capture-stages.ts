import { reachedStages, type StageDefinition, type StageInput, stageInputsOf } from '../domain';
import type { LeadCapture } from './capture';

/**
 * A captured lead → the funnel stage its capture is (pure): a stage with `onLeadCaptured` is the lead
 * itself — Meta's CRM payload spec asks for the raw lead too, under its own event name — reached at the
 * capture's own time, once per lead like any stage (a repeated capture changes nothing).
 */
export const CAPTURE_SOURCE = 'api';

export function leadCaptureStages(
  captures: readonly LeadCapture[],
  stages: readonly StageDefinition[],
  now: number,
): StageInput[] {
  const onCapture = stages.filter((stage) => stage.onLeadCaptured);
  if (onCapture.length === 0) return [];
  return captures.flatMap((capture) =>
    stageInputsOf(
      reachedStages(onCapture, {
        valuesOf: () => ['captured'],
        current: 'captured',
        at: capture.capturedAt,
      }).map((reach) => ({ definition: reach.definition, at: reach.at, implied: false })),
      {
        leadKey: capture.leadId,
        leadId: capture.leadId,
        crm: CAPTURE_SOURCE,
        origin: 'lead_capture',
        now,
      },
    ),
  );
}
