import { orderIdOfSubjectKey } from '../domain';

/**
 * The subject keys that may name a lead: a close is keyed by its lead ID whenever it has one, so its key
 * is the lead's; an order joins no lead, and reading `LEAD#order:<id>` would only cost a wasted read.
 */
export function leadKeysOf(subjectKeys: readonly string[]): string[] {
  return subjectKeys.filter((key) => orderIdOfSubjectKey(key) === undefined);
}
