import type { RowDecision } from './types';

/** A stage whose CONVERSION_STAGES entry names nothing for this platform (planning never gets here for one). */
export function skipStageNotNamed(platform: string): RowDecision<never> {
  return { kind: 'skip', reason: 'not_configured', message: `the stage names nothing for ${platform}` };
}
