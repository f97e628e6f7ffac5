import type { PlatformReceipt } from '../domain';
import { outcomeForError } from './errors';
import type { RowOutcome, UploadResult } from './types';

/**
 * Fail-fast platforms (Google Data Manager; Meta for an invalid parameter) reject a whole request for one
 * bad row. This isolates the bad rows so that the good ones still go through: rows the platform names
 * (field paths like `events[3].…`) fail at once and the rest is re-sent; when it names none, the batch is
 * halved until each rejected row stands alone. Extra requests are bounded; rows still unresolved when the
 * budget runs out are retried later (the next run starts with a fresh budget and smaller batches, since
 * the rows found bad meanwhile have failed for good).
 */
export type BatchAnswer =
  | {
      kind: 'accepted';
      responseId?: string;
      /** The platform's own count of what the request took (Meta `events_received`). */
      receipt?: PlatformReceipt;
      /** Per-row results of a partial-failure answer, by position in the request; absent = delivered. */
      rowOutcomes?: (RowOutcome | undefined)[];
    }
  | {
      kind: 'invalid';
      /** The rows the platform named (index within the request) with their own errors, when it named any. */
      rows: RejectedRow[] | undefined;
      code: string;
      reason: string;
      message: string;
    };

export type RejectedRow = { index: number; code: string; reason: string; message: string };

export const DEFAULT_MAX_ISOLATION_REQUESTS = 12;

export async function uploadIsolatingInvalidRows<TRow>(
  rows: readonly TRow[],
  send: (rows: readonly TRow[]) => Promise<BatchAnswer>,
  options: { maxExtraRequests?: number } = {},
): Promise<UploadResult> {
  const maxExtra = options.maxExtraRequests ?? DEFAULT_MAX_ISOLATION_REQUESTS;
  const outcomes: (RowOutcome | undefined)[] = new Array(rows.length).fill(undefined);
  const pending: number[][] = [rows.map((_, index) => index)];
  let requests = 0;
  let abort: RowOutcome | undefined;

  while (pending.length > 0) {
    const group = pending.shift() as number[];
    if (abort) {
      for (const index of group) outcomes[index] = abort;
      continue;
    }
    if (requests > maxExtra) {
      for (const index of group) {
        outcomes[index] = {
          kind: 'retry',
          code: 'isolation_budget',
          message: 'rejected together with an invalid row that could not be isolated within this run',
        };
      }
      continue;
    }
    let answer: BatchAnswer;
    try {
      requests++;
      answer = await send(group.map((index) => rows[index] as TRow));
    } catch (error) {
      // The platform or the network failed: this group and every group still waiting share that fate.
      abort = outcomeForError(error);
      for (const index of group) outcomes[index] = abort;
      continue;
    }
    if (answer.kind === 'accepted') {
      const delivered: RowOutcome = {
        kind: 'delivered',
        ...(answer.responseId ? { responseId: answer.responseId } : {}),
        ...(answer.receipt ? { receipt: answer.receipt } : {}),
      };
      group.forEach((index, position) => {
        outcomes[index] = answer.rowOutcomes?.[position] ?? delivered;
      });
      continue;
    }
    const rejected: RowOutcome = {
      kind: 'failed',
      reason: answer.reason,
      code: answer.code,
      message: answer.message,
    };
    if (group.length === 1) {
      outcomes[group[0] as number] = rejected;
      continue;
    }
    const named = (answer.rows ?? []).filter((row) => row.index >= 0 && row.index < group.length);
    if (named.length > 0) {
      const namedSet = new Set(named.map((row) => row.index));
      for (const row of named) {
        outcomes[group[row.index] as number] = {
          kind: 'failed',
          reason: row.reason,
          code: row.code,
          message: row.message,
        };
      }
      const rest = group.filter((_, position) => !namedSet.has(position));
      if (rest.length > 0) pending.unshift(rest);
      continue;
    }
    const middle = Math.ceil(group.length / 2);
    pending.unshift(group.slice(0, middle), group.slice(middle));
  }
  return { outcomes: outcomes as RowOutcome[], requests };
}
