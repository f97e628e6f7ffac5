import { orderIdOfSubjectKey, parseStageSubjectKey } from '../domain';

/**
 * The subject keys that may name a lead: a close is keyed by its lead ID whenever it has one, so its key
 * is the lead's; a stage carries its lead's key after its name (`stage:<stage>:<leadKey>`); an order
 * joins no lead, and reading `LEAD#order:<id>` would only cost a wasted read.
 */
export function leadKeysOf(subjectKeys: readonly string[]): string[] {
  return [
    ...new Set(
      subjectKeys.flatMap((key) => {
        if (orderIdOfSubjectKey(key) !== undefined) return [];
        return [parseStageSubjectKey(key)?.leadKey ?? key];
      }),
    ),
  ];
}
