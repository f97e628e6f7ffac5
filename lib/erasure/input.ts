import * as v from 'valibot';
import { PayloadValidationError } from '../errors';
import { sha256Hex } from '../leads/hash';
import { normaliseEmailForGoogle } from '../leads/normalise-email';
import { toFieldIssues } from '../validation';

/**
 * The erase function's input, `{"leadIds": [...]}` and/or `{"emails": [...]}`. Emails are normalised as
 * Google's (the form every stored identity is hashed in) and hashed here, on arrival: from this point on
 * only their SHA-256 exists, and no refusal repeats one (a bad one is named by its position).
 */
export type ErasureRequest = { leadIds: string[]; emailHashes: string[] };

/** People one call erases: the email search is one Scan of the table per call, whatever their number. */
export const ERASE_MAX_PEOPLE = 100;

const EraseInputSchema = v.strictObject(
  {
    leadIds: v.optional(
      v.pipe(
        v.array(
          v.pipe(
            v.string('must be a lead ID'),
            v.trim(),
            v.minLength(1, 'must be a lead ID'),
            v.maxLength(256, 'must be at most 256 characters'),
          ),
          'must be a list of lead IDs',
        ),
        v.maxLength(ERASE_MAX_PEOPLE, `must list at most ${ERASE_MAX_PEOPLE}`),
      ),
    ),
    emails: v.optional(
      v.pipe(
        v.array(v.string('must be an email address'), 'must be a list of email addresses'),
        v.maxLength(ERASE_MAX_PEOPLE, `must list at most ${ERASE_MAX_PEOPLE}`),
      ),
    ),
  },
  'unknown field: erase takes leadIds and emails',
);

export function parseEraseInput(input: unknown): ErasureRequest {
  const result = v.safeParse(EraseInputSchema, input ?? {}, { abortEarly: false });
  if (!result.success) {
    // Never echo a value: an email in a refusal would be plaintext in a log.
    throw new PayloadValidationError(toFieldIssues(result.issues));
  }
  const leadIds = [...new Set(result.output.leadIds ?? [])];
  const issues: { field: string; message: string }[] = [];
  const emailHashes = new Set<string>();
  (result.output.emails ?? []).forEach((email, index) => {
    const normalised = normaliseEmailForGoogle(email);
    if (!normalised?.includes('@')) {
      issues.push({ field: `emails[${index}]`, message: 'must be an email address' });
    } else emailHashes.add(sha256Hex(normalised));
  });
  if (issues.length > 0) throw new PayloadValidationError(issues);
  if (leadIds.length + emailHashes.size === 0) {
    throw new PayloadValidationError([{ field: '(input)', message: 'must name leadIds or emails' }]);
  }
  return { leadIds, emailHashes: [...emailHashes] };
}
