import { describe, expect, it } from 'vitest';
import { type BatchAnswer, uploadIsolatingInvalidRows } from '../../lib/destinations/isolate';
import { RetryableError } from '../../lib/errors';

describe('uploadIsolatingInvalidRows', () => {
  const rows = Array.from({ length: 16 }, (_, index) => index);

  it('sends the good rows again without the rows the platform named: one extra request', async () => {
    const sent: number[][] = [];
    const result = await uploadIsolatingInvalidRows(rows, async (batch): Promise<BatchAnswer> => {
      sent.push([...batch]);
      const bad = batch.map((row, index) => ({ row, index })).filter(({ row }) => row === 5);
      return bad.length === 0
        ? { kind: 'accepted', responseId: 'ok' }
        : {
            kind: 'invalid',
            rows: bad.map(({ index }) => ({ index, code: 'X', reason: 'x', message: 'bad' })),
            code: 'X',
            reason: 'x',
            message: 'bad',
          };
    });
    expect(result.requests).toBe(2);
    expect(result.outcomes[5]).toMatchObject({ kind: 'failed', reason: 'x' });
    expect(result.outcomes.filter((outcome) => outcome.kind === 'delivered')).toHaveLength(15);
  });

  it('halves the batch when the platform names no row, within a bounded number of requests', async () => {
    const result = await uploadIsolatingInvalidRows(
      rows,
      async (batch): Promise<BatchAnswer> =>
        batch.includes(9)
          ? { kind: 'invalid', rows: undefined, code: '100', reason: '100', message: 'Invalid parameter' }
          : { kind: 'accepted' },
    );
    expect(result.outcomes[9]).toMatchObject({ kind: 'failed', reason: '100' });
    expect(result.outcomes.filter((outcome) => outcome.kind === 'delivered')).toHaveLength(15);
    // 1 + 2·log2(16) requests at most.
    expect(result.requests).toBeLessThanOrEqual(9);
  });

  it('leaves rows it could not isolate within the budget for a retry', async () => {
    const result = await uploadIsolatingInvalidRows(
      rows,
      async (): Promise<BatchAnswer> => ({
        kind: 'invalid',
        rows: undefined,
        code: '100',
        reason: '100',
        message: 'x',
      }),
      { maxExtraRequests: 3 },
    );
    expect(result.requests).toBe(4);
    expect(
      result.outcomes.some((outcome) => outcome.kind === 'retry' && outcome.code === 'isolation_budget'),
    ).toBe(true);
  });

  it('gives every row of a request that failed outright the same retryable outcome', async () => {
    const result = await uploadIsolatingInvalidRows(rows.slice(0, 3), async () => {
      throw new RetryableError('down', { code: 'HTTP_503', retryAfterMs: 1000 });
    });
    expect(result.outcomes).toEqual(
      Array(3).fill({ kind: 'retry', code: 'HTTP_503', message: 'down', retryAfterMs: 1000 }),
    );
  });
});
