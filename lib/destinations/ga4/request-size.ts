import type { RequestDescription } from '../types';

/**
 * "The total size of the POST body must be less than 130 kB" (Measurement Protocol limitations; §7),
 * measured on the serialised body in UTF-8 bytes, as it goes on the wire. A batch whose body would be
 * larger is split into consecutive parts, each its own request (pure).
 */
export const GA4_MAX_BODY_BYTES = 130_000;

export function bodyBytes(request: RequestDescription): number {
  return Buffer.byteLength(JSON.stringify(request.body), 'utf8');
}

/**
 * Greedy split in order: each part as large as fits. A single row whose request alone is too large is
 * left in a part of its own (the mapping refuses such a row, so it does not happen in practice).
 */
export function splitByBodySize<TRow>(
  rows: readonly TRow[],
  describe: (rows: readonly TRow[]) => RequestDescription,
  maxBytes = GA4_MAX_BODY_BYTES,
): TRow[][] {
  const parts: TRow[][] = [];
  let current: TRow[] = [];
  for (const row of rows) {
    const candidate = [...current, row];
    if (current.length > 0 && bodyBytes(describe(candidate)) >= maxBytes) {
      parts.push(current);
      current = [row];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
