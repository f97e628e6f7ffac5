import type { Config } from '../config';
import { CRM_SOURCES } from '../crm/registry';
import type { Destination } from '../destinations/types';
import { CRM_DOCTORS, DESTINATION_DOCTORS } from './registry';
import type { DoctorCheck } from './types';

/**
 * Every enabled destination's and CRM's own check (lib/doctor/registry.ts), side by side, within the
 * deadline. `ok` is false when any check failed; `fix` names the variables to fix, once each. What is
 * not configured is listed with the variables it lacks (`disabled`), which is no failure.
 */
export type DoctorReport = {
  ok: boolean;
  checks: DoctorCheck[];
  /** The variables the failed checks name. */
  fix: string[];
  disabled: { name: string; missing: string[] }[];
};

export async function runDoctor(deps: {
  config: Config;
  destinations: readonly Destination[];
  fetch: typeof fetch;
  now: () => number;
  deadline: number;
}): Promise<DoctorReport> {
  const call = { deadline: deps.deadline };
  const dependencies = { fetch: deps.fetch, now: deps.now };
  const results = await Promise.all([
    ...deps.destinations.map((destination): Promise<DoctorCheck[]> => {
      const doctor = DESTINATION_DOCTORS[destination.name]?.(deps.config, dependencies);
      return doctor
        ? doctor(call)
        : Promise.resolve([
            { target: destination.name, check: '(none)', ok: true, detail: 'this destination has no check' },
          ]);
    }),
    ...CRM_SOURCES.map(
      (crm) => CRM_DOCTORS[crm.name]?.(deps.config, { ...call, ...dependencies }) ?? Promise.resolve([]),
    ),
  ]);
  const checks = results.flat();
  const failed = checks.filter((check) => !check.ok);
  return {
    ok: failed.length === 0,
    checks,
    fix: [...new Set(failed.flatMap((check) => check.variables ?? []))],
    disabled: deps.config.disabled.map((capability) => ({
      name: capability.name,
      missing: [...capability.missing],
    })),
  };
}
