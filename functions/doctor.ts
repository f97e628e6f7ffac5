import { type DoctorReport, runDoctor } from '../lib/doctor/run-doctor';
import { type RuntimeSource, taskHandler } from './middleware';
import { getDefaultRuntime } from './runtime';

/**
 * `doctor`, invoked by hand (`npm run doctor` runs the same check locally): one harmless call per enabled
 * destination and CRM, proving its credentials and IDs. The report names the variables to fix; no
 * credential is in it or in the log.
 */
export const DOCTOR_SAFETY_MARGIN_MS = 2_000;
const DOCTOR_MAX_MS = 25_000;

export function createDoctorHandler(source: RuntimeSource) {
  return taskHandler<unknown, DoctorReport>(source, async (_event, runtime, context) => {
    const deadline =
      runtime.now() + Math.min(DOCTOR_MAX_MS, context.getRemainingTimeInMillis() - DOCTOR_SAFETY_MARGIN_MS);
    const report = await runDoctor({ ...runtime, deadline });
    const log = report.ok ? runtime.logger.info : runtime.logger.warn;
    log.call(runtime.logger, 'doctor finished', {
      ok: report.ok,
      failed: report.checks.filter((check) => !check.ok).map((check) => `${check.target}: ${check.check}`),
      fix: report.fix,
    });
    return report;
  });
}

export const handler = createDoctorHandler(getDefaultRuntime);
