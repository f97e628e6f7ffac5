import type { Config } from '../config';
import { CRM_SOURCES, crmSettings } from '../crm/registry';
import type { Destination } from '../destinations/types';
import type { DoctorCheck } from './types';

/**
 * Every enabled destination's and CRM's own check (their `doctor` members), side by side, within the
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
  const results = await Promise.all([
    ...deps.destinations.map(
      (destination): Promise<DoctorCheck[]> =>
        destination.doctor
          ? destination.doctor(call)
          : Promise.resolve([
              {
                target: destination.name,
                check: '(none)',
                ok: true,
                detail: 'this destination has no check',
              },
            ]),
    ),
    ...CRM_SOURCES.map((crm) =>
      crm.doctor
        ? crm.doctor(crmSettings(crm, deps.config), { ...call, fetch: deps.fetch, now: deps.now })
        : Promise.resolve([]),
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
