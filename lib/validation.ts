import * as v from 'valibot';
import { type FieldIssue, PayloadValidationError } from './errors';

/** `event.id`, `products[1].price`: the path a sender can find in their own payload. */
export function issuePath(issue: v.BaseIssue<unknown>, prefix = ''): string {
  let path = prefix;
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? String(key) : `.${String(key)}`;
  }
  return path === '' ? '(body)' : path;
}

// valibot's own messages start "Invalid …"; a schema's custom message is written for the sender.
const DEFAULT_MESSAGE = /^Invalid /;

function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.input === undefined && issue.kind === 'schema') return 'required';
  if (!DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  if (issue.kind === 'schema') return `expected ${issue.expected ?? 'another type'}, got ${issue.received}`;
  return issue.message;
}

/** Every issue of a failed parse as field-named messages, de-duplicated (unions repeat themselves). */
export function toFieldIssues(issues: readonly v.BaseIssue<unknown>[], prefix = ''): FieldIssue[] {
  const seen = new Set<string>();
  const result: FieldIssue[] = [];
  for (const issue of issues) {
    const field = issuePath(issue, prefix);
    const message = describeIssue(issue);
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ field, message });
  }
  return result;
}

/** Parses at a trust boundary: the output, or a PayloadValidationError naming every bad field. */
export function parseOrThrow<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  prefix = '',
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  throw new PayloadValidationError(toFieldIssues(result.issues, prefix));
}
