import * as v from 'valibot';
import { DESTINATIONS } from '../destinations/registry';
import { type FieldIssue, PayloadValidationError } from '../errors';
import { toFieldIssues } from '../validation';
import type { ReplayRequest } from './replay';

/**
 * What starts a backfill (DESIGN.md routes table): the 15-minute schedule — serverless.yml's constant
 * input `{ "source": "schedule" }`, or EventBridge's own scheduled event when the rule carries no input —
 * or a manual invoke `{ since?, until?, dryRun?, retryNow? }`, or a replay `{ replay: { subjects,
 * destinations? } }` on its own. Anything else is refused with every bad field named; nothing runs.
 */
export type BackfillRequest = {
  trigger: 'schedule' | 'manual';
  /** Manual window start (epoch ms): poll the CRMs from here instead of the checkpoint. */
  since?: number;
  /** Manual window end (epoch ms), exclusive. */
  until?: number;
  /** Rehearse: read and build everything, write nothing, send nothing. */
  dryRun: boolean;
  /** Retry every waiting or failed delivery now, ignoring back-off. */
  retryNow: boolean;
  /** Re-send these subjects' deliveries (lib/backfill/replay.ts) instead of a run: no polling, no due work. */
  replay?: ReplayRequest;
};

/** Subjects one replay takes: its reads are one BatchGetItem round, its uploads a few requests. */
export const REPLAY_MAX_SUBJECTS = 100;
const SUBJECT_KEY_MAX_LENGTH = 256;
const DESTINATION_NAMES = DESTINATIONS.map((definition) => definition.name);

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const TIME_MESSAGE = 'must be an ISO 8601 date-time with a zone, like 2026-11-20T00:00:00Z';

const TimeSchema = v.pipe(
  v.string(TIME_MESSAGE),
  v.trim(),
  v.regex(ISO_DATE_TIME, TIME_MESSAGE),
  v.transform((text) => Date.parse(/T/.test(text) ? text : `${text}T00:00:00Z`)),
  v.check((ms) => Number.isFinite(ms), TIME_MESSAGE),
);

const SUBJECT_MESSAGE = 'must be a lead ID, <crm>-deal:<id> or order:<id>';

const ReplaySchema = v.strictObject(
  {
    subjects: v.pipe(
      v.array(
        v.pipe(
          v.string(SUBJECT_MESSAGE),
          v.trim(),
          v.minLength(1, SUBJECT_MESSAGE),
          v.maxLength(SUBJECT_KEY_MAX_LENGTH, `must be at most ${SUBJECT_KEY_MAX_LENGTH} characters`),
        ),
        'must be a list of subjects (lead IDs, order:<id>)',
      ),
      v.minLength(1, 'must name at least one subject'),
      v.maxLength(REPLAY_MAX_SUBJECTS, `must name at most ${REPLAY_MAX_SUBJECTS} subjects`),
    ),
    destinations: v.optional(
      v.pipe(
        v.array(
          v.picklist(DESTINATION_NAMES, `must be one of ${DESTINATION_NAMES.join(', ')}`),
          'must be a list of destination names',
        ),
        v.minLength(1, 'must name at least one destination (or be left out for all)'),
      ),
    ),
  },
  'unknown field: replay takes subjects and destinations',
);

const ManualSchema = v.strictObject(
  {
    since: v.optional(TimeSchema),
    until: v.optional(TimeSchema),
    dryRun: v.optional(v.boolean('must be true or false')),
    retryNow: v.optional(v.boolean('must be true or false')),
  },
  'unknown field: the backfill takes since, until, dryRun and retryNow',
);

/** A replay is its own run: nothing else beside it. */
const ReplayInputSchema = v.strictObject({ replay: ReplaySchema }, 'a replay runs alone: leave this out');

/** serverless.yml's schedule input. */
const ScheduleInputSchema = v.strictObject({ source: v.literal('schedule') }, 'unknown field');

/** EventBridge's scheduled event (a rule without constant input), as Lambda receives it. */
const ScheduledEventSchema = v.looseObject({
  source: v.literal('aws.events'),
  'detail-type': v.literal('Scheduled Event', 'must be "Scheduled Event"'),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(issues: FieldIssue[]): never {
  throw new PayloadValidationError(issues);
}

function parse<TSchema extends v.GenericSchema>(schema: TSchema, input: unknown): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (!result.success) refuse(toFieldIssues(result.issues));
  return result.output;
}

/** The request, or a PayloadValidationError naming each bad field. A missing or empty input is a plain manual run. */
export function parseBackfillInput(input: unknown): BackfillRequest {
  if (input === undefined || input === null) return { trigger: 'manual', dryRun: false, retryNow: false };
  if (!isRecord(input)) refuse([{ field: '(input)', message: 'must be a JSON object' }]);
  if (input.source === 'schedule') {
    parse(ScheduleInputSchema, input);
    return { trigger: 'schedule', dryRun: false, retryNow: false };
  }
  if (input.source === 'aws.events' || 'detail-type' in input) {
    parse(ScheduledEventSchema, input);
    return { trigger: 'schedule', dryRun: false, retryNow: false };
  }
  if ('replay' in input) {
    const { replay } = parse(ReplayInputSchema, input);
    return {
      trigger: 'manual',
      dryRun: false,
      retryNow: false,
      replay: {
        subjects: replay.subjects,
        ...(replay.destinations ? { destinations: replay.destinations } : {}),
      },
    };
  }
  const manual = parse(ManualSchema, input);
  if (manual.since !== undefined && manual.until !== undefined && manual.since >= manual.until) {
    refuse([{ field: 'until', message: 'must be after since' }]);
  }
  return {
    trigger: 'manual',
    ...(manual.since === undefined ? {} : { since: manual.since }),
    ...(manual.until === undefined ? {} : { until: manual.until }),
    dryRun: manual.dryRun ?? false,
    retryNow: manual.retryNow ?? false,
  };
}
