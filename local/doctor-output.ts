import type { DoctorReport } from '../lib/doctor/run-doctor';

/** The doctor's report as a table, then what to fix (or that all is well), then what is not configured. */
export function formatDoctorReport(report: DoctorReport): string {
  const rows = report.checks.map((check) => [
    check.ok ? 'ok' : 'FAIL',
    check.target,
    check.check,
    check.ok
      ? check.detail
      : `${check.detail}${check.variables?.length ? ` → fix ${check.variables.join(', ')}` : ''}`,
  ]);
  const header = ['result', 'target', 'check', 'detail'];
  const widths = header.map((cell, index) =>
    Math.max(cell.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [line(header), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)];
  if (report.checks.length === 0) lines.push('(nothing is configured: no destination or CRM API to check)');
  lines.push('');
  lines.push(report.ok ? 'all checks passed' : `fix: ${report.fix.join(', ')}`);
  if (report.disabled.length > 0) {
    lines.push('not configured (not checked):');
    for (const capability of report.disabled)
      lines.push(`  ${capability.name}: ${capability.missing.join(', ')} not set`);
  }
  return lines.join('\n');
}
