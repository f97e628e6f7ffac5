import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBackfillInput } from '../../lib/backfill/input';
import { PayloadValidationError } from '../../lib/errors';

const EVENTS = join(__dirname, '..', '..', 'events', 'backfill');
const samples = readdirSync(EVENTS).filter((file) => file.endsWith('.json'));

function issuesOf(input: unknown) {
  try {
    parseBackfillInput(input);
  } catch (error) {
    if (error instanceof PayloadValidationError) return error.issues;
    throw error;
  }
  return [];
}

describe('parseBackfillInput', () => {
  it('takes the schedule in both shapes', () => {
    expect(parseBackfillInput({ source: 'schedule' })).toEqual({
      trigger: 'schedule',
      dryRun: false,
      retryNow: false,
    });
    expect(
      parseBackfillInput({ source: 'aws.events', 'detail-type': 'Scheduled Event', id: 'x', detail: {} }),
    ).toMatchObject({ trigger: 'schedule' });
  });

  it('takes a manual window with its flags', () => {
    expect(
      parseBackfillInput({
        since: '2026-11-20T00:00:00Z',
        until: '2026-11-21',
        dryRun: true,
        retryNow: true,
      }),
    ).toEqual({
      trigger: 'manual',
      since: Date.UTC(2026, 10, 20),
      until: Date.UTC(2026, 10, 21),
      dryRun: true,
      retryNow: true,
    });
    expect(parseBackfillInput({})).toEqual({ trigger: 'manual', dryRun: false, retryNow: false });
  });

  it('names every bad field', () => {
    expect(issuesOf({ since: 'yesterday', dryRun: 'yes', retrynow: true })).toEqual([
      { field: 'since', message: 'must be an ISO 8601 date-time with a zone, like 2026-11-20T00:00:00Z' },
      { field: 'dryRun', message: 'must be true or false' },
      { field: 'retrynow', message: 'unknown field: the backfill takes since, until, dryRun and retryNow' },
    ]);
    expect(issuesOf({ since: '2026-11-21T00:00:00Z', until: '2026-11-20T00:00:00Z' })).toEqual([
      { field: 'until', message: 'must be after since' },
    ]);
    expect(issuesOf([1])).toEqual([{ field: '(input)', message: 'must be a JSON object' }]);
    expect(issuesOf({ source: 'aws.events', 'detail-type': 'Object Created' })).toEqual([
      { field: 'detail-type', message: 'must be "Scheduled Event"' },
    ]);
  });

  it.each(samples)('events/backfill/%s parses, or is refused when bad-*', (file) => {
    const input: unknown = JSON.parse(readFileSync(join(EVENTS, file), 'utf8'));
    if (file.startsWith('bad-')) expect(issuesOf(input).length).toBeGreaterThan(0);
    else expect(() => parseBackfillInput(input)).not.toThrow();
  });
});
