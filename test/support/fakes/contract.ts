/**
 * The rules several fake APIs check the same way: hashed identifiers, RFC 3339 times, and no plaintext
 * email or phone anywhere in a body (every platform takes them hashed, platform-apis.md §1–3).
 */
export type Json = Record<string, unknown>;

export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const HEX_SHA256 = /^[0-9a-f]{64}$/;
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Every string inside a JSON value, with its path. */
export function stringsIn(value: unknown, path = '$'): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, `${path}.${key}`));
  }
  return [];
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const E164 = /^\+\d{7,15}$/;

/** Platform contract: no plaintext email or phone anywhere in a body (everything is hashed). */
export function plaintextViolations(body: unknown): string[] {
  return stringsIn(body)
    .filter(({ value }) => EMAIL.test(value) || E164.test(value))
    .map(({ path }) => `plaintext identifier at ${path}`);
}
