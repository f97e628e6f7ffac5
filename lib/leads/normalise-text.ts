/**
 * The trimmed, NFC-composed text of a CRM or form value, or `undefined` when nothing is left. NFC so
 * that a composed and a decomposed "é" hash the same.
 */
export function cleanText(raw: string | undefined): string | undefined {
  // Values come from CRMs and forms: tolerate a stray non-string at runtime instead of throwing.
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.normalize('NFC').trim();
  return trimmed === '' ? undefined : trimmed;
}
