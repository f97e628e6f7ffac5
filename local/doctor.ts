import { getDefaultRuntime } from '../functions/runtime';
import { runDoctor } from '../lib/doctor/run-doctor';
import { formatDoctorReport } from './doctor-output';

/**
 * `npm run doctor [-- --json]`: the deployed `doctor` function's check from this shell's environment (the
 * same variables a deployment reads): one harmless call per enabled destination and CRM, a table of the
 * results, exit 1 naming the variables to fix. Needs no DynamoDB.
 */
const DOCTOR_BUDGET_MS = 25_000;

async function main(argv: string[]): Promise<number> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const runtime = await getDefaultRuntime();
  const report = await runDoctor({ ...runtime, deadline: runtime.now() + DOCTOR_BUDGET_MS });
  console.log(argv.includes('--json') ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`doctor: ${(error as Error).message}`);
    process.exit(1);
  },
);
