import { ConfigurationError } from '../errors';
import { redactMessage } from '../observability/redact';

/**
 * `npm run doctor` (and the `doctor` function): one harmless call per enabled destination and CRM that
 * proves its credentials and IDs. Each integration owns its check (the `doctor` member of its definition,
 * next to its upload or client), so a new one brings its own; lib/doctor/run-doctor.ts runs them all.
 */
export type DoctorCheck = {
  /** The destination or CRM (`google-ads`, `hubspot`). */
  target: string;
  /** What was tried (`token refresh`, `events:ingest validateOnly (won)`). */
  check: string;
  ok: boolean;
  /** What the platform said, or why nothing was tried; never a credential. */
  detail: string;
  /** The variables to fix when the check failed. */
  variables?: string[];
};

/** A destination's check runs on its own clients (built with the runtime's fetch and clock). */
export type DoctorCall = { deadline: number };
/** A CRM's check builds its client from its settings. */
export type CrmDoctorCall = DoctorCall & { fetch: typeof fetch; now: () => number };

/** One check whose failure names `variables` unless the error itself names better ones (ConfigurationError). */
export async function runCheck(
  target: string,
  check: string,
  variables: string[],
  attempt: () => Promise<string>,
): Promise<DoctorCheck> {
  try {
    return { target, check, ok: true, detail: await attempt() };
  } catch (error) {
    const named =
      error instanceof ConfigurationError && error.variables.length > 0 ? error.variables : variables;
    return {
      target,
      check,
      ok: false,
      detail: redactMessage((error as Error)?.message ?? String(error)),
      variables: named,
    };
  }
}

/** A failed answer of a check: thrown by `attempt`, reported by runCheck with these variables. */
export class DoctorFailure extends ConfigurationError {}
