import { DESTINATIONS } from '../lib/destinations/registry';
import { stageSubjectKey } from '../lib/domain';
import { type ErasureSummary, erasePeople } from '../lib/erasure/erase';
import { parseEraseInput } from '../lib/erasure/input';
import { type FieldIssue, PayloadValidationError } from '../lib/errors';
import { createErasureStore } from '../lib/store/erasure';
import { type RuntimeSource, taskHandler } from './middleware';
import { getDefaultRuntime } from './runtime';

/**
 * `erase`, invoked by hand (`npm run invoke -- erase <file>`): `{"leadIds": [...]}` and/or `{"emails":
 * [...]}` (hashed on arrival, never logged). Deletes every item tied to those people and keeps only their
 * suppression entries (lib/erasure/erase.ts); answers what it deleted. Its role alone may DeleteItem and Scan.
 */
export type EraseRefusal = { ok: false; error: string; issues: FieldIssue[] };
export type EraseResult = ErasureSummary | EraseRefusal;

const ERASE_SAFETY_MARGIN_MS = 10_000;

export function createEraseHandler(source: RuntimeSource) {
  return taskHandler<unknown, EraseResult>(source, async (event, runtime, context) => {
    let request: ReturnType<typeof parseEraseInput>;
    try {
      request = parseEraseInput(event);
    } catch (error) {
      if (!(error instanceof PayloadValidationError)) throw error;
      runtime.logger.warn('erase input refused', { fields: error.issues.map((issue) => issue.field) });
      return { ok: false, error: 'invalid erase input', issues: error.issues };
    }
    const summary = await erasePeople(request, {
      store: runtime.store,
      erasure: createErasureStore({ client: runtime.dynamo, tableName: runtime.config.tableName }),
      destinations: DESTINATIONS.map((definition) => definition.name),
      stageKeysOf: (leadKey) =>
        runtime.config.conversionStages.map((stage) => stageSubjectKey(stage.name, leadKey)),
      now: runtime.now,
      deadline: runtime.now() + context.getRemainingTimeInMillis() - ERASE_SAFETY_MARGIN_MS,
    });
    // Counts only: the people erased are not named in the log.
    runtime.logger.info('erase finished', {
      deleted: summary.deleted,
      suppressed: summary.suppressed,
      scan: summary.scan,
    });
    return summary;
  });
}

export const handler = createEraseHandler(getDefaultRuntime);
