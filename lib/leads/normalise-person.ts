import { cleanText } from './normalise-text';

// Honorifics dropped from the front of a name. Google: given_name "Don't include prefixes such as Mrs."
const NAME_PREFIXES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'master',
  'dr',
  'prof',
  'professor',
  'sir',
  'dame',
  'lady',
  'lord',
  'rev',
  'revd',
  'reverend',
  'hon',
  'fr',
  'sr',
  'sra',
  'srta',
  'herr',
  'frau',
  'mme',
  'mlle',
]);

// Generational and professional suffixes dropped from the end. Google: family_name "Don't include
// suffixes such as Jr." A lone "v" is not here: it is far more often a middle initial than "the fifth".
const NAME_SUFFIXES = new Set([
  'jr',
  'jnr',
  'sr',
  'snr',
  'ii',
  'iii',
  'iv',
  '2nd',
  '3rd',
  'phd',
  'md',
  'dds',
  'dmd',
  'esq',
  'mba',
  'cpa',
  'rn',
]);

/** Lowercase words of a name or street, punctuation and symbols removed, split at spaces and separators. */
export function nameTokens(raw: string | undefined): string[] {
  const value = cleanText(raw);
  if (value === undefined) return [];
  return value
    .toLowerCase()
    .split(/[\s,;/]+/)
    .map((token) => token.replace(/[\p{P}\p{S}]/gu, ''))
    .filter((token) => token !== '');
}

function personName(raw: string | undefined): string | undefined {
  const tokens = nameTokens(raw);
  while (tokens.length > 1 && NAME_PREFIXES.has(tokens[0] ?? '')) tokens.shift();
  while (tokens.length > 1 && NAME_SUFFIXES.has(tokens[tokens.length - 1] ?? '')) tokens.pop();
  return tokens.length === 0 ? undefined : tokens.join(' ');
}

/**
 * Google `givenName` / `familyName`: lowercase, no prefixes (Mrs.) or suffixes (Jr.), no punctuation
 * ("all lowercase, with no punctuation, no leading or trailing whitespace" — Data Manager AddressInfo).
 * Letters with accents are kept (NFC). A title is only dropped when a name remains after it.
 */
export function normaliseNameForGoogle(raw: string | undefined): string | undefined {
  return personName(raw);
}

/**
 * Meta `fn` / `ln`: "Lowercase only with no punctuation"; special characters stay, UTF-8 encoded
 * (accents kept, NFC so that composed and decomposed "é" hash the same); inner spaces collapsed.
 * Meta does not ask for titles to be removed, but "mrs jane" can never match a profile's "jane",
 * so they go here too.
 */
export function normaliseNameForMeta(raw: string | undefined): string | undefined {
  return personName(raw);
}

/** Meta `ge`: "f" or "m"; anything else is left out rather than guessed. */
export function normaliseGender(raw: string | undefined): 'f' | 'm' | undefined {
  const value = cleanText(raw)
    ?.toLowerCase()
    .replace(/[^a-z]/g, '');
  if (value === 'f' || value === 'female' || value === 'woman') return 'f';
  if (value === 'm' || value === 'male' || value === 'man') return 'm';
  return undefined;
}
