import * as v from 'valibot';
import type { DeliveredState, RowDecision } from './types';

/**
 * What every destination's mapping checks a row against before sending it: one bad row would fail a whole
 * platform request, so each row is validated on its own and a bad one becomes `failed:invalid_row`.
 */

/** A hashed identifier as every platform takes it: lowercase hex SHA-256 (lib/leads/hash.ts). */
export const HEX_SHA256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'));

/** A row decided now may be sent a little later in the same run: keep clear of a platform window's edge. */
export const WINDOW_SAFETY_MS = 10 * 60_000;

/** The first problem with a row, as `field: message` (names, never values), or undefined when it is valid. */
export function firstRowProblem<TSchema extends v.GenericSchema>(
  schema: TSchema,
  row: unknown,
  rootName = 'event',
): string | undefined {
  const result = v.safeParse(schema, row);
  if (result.success) return undefined;
  const issue = result.issues[0];
  const field = (issue?.path ?? []).map((item) => String(item.key)).join('.') || rootName;
  return `${field}: ${issue?.message ?? 'invalid'}`;
}

/** A built row, sent in its batch when it is valid; `failed:invalid_row` with its first problem when not. */
export function sendValidRow<TRow>(
  row: TRow,
  problem: string | undefined,
  batch: string,
  accepted: DeliveredState,
): RowDecision<TRow> {
  if (problem) return { kind: 'fail', reason: 'invalid_row', message: problem };
  return { kind: 'send', row, batch, accepted };
}
