/** Renders `whalewall lint` findings for a terminal, or as JSON for CI pipelines. */
import { renderProblem } from '../labels/index.ts';
import type { LintFinding } from './lint-finding.ts';

export interface LintReport {
  readonly files: readonly string[];
  readonly findings: readonly LintFinding[];
  /** File text by file name, for showing the offending line; absent when unreadable. */
  readonly sources: ReadonlyMap<string, string>;
}

export function countBySeverity(findings: readonly LintFinding[]): {
  errors: number;
  warnings: number;
} {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

export function renderLintText(report: LintReport): string {
  const blocks = report.findings.map((finding) =>
    renderFinding(finding, report.sources.get(finding.file)),
  );
  return [...blocks, summaryLine(report)].join('\n');
}

function renderFinding(finding: LintFinding, source: string | undefined): string {
  const where = [
    finding.service === undefined ? '' : `service ${JSON.stringify(finding.service)}`,
    finding.label ?? '',
    finding.path,
  ]
    .filter((part) => part !== '')
    .join(', ');
  const header = `${finding.file}:${finding.line}:${finding.column}: ${finding.severity} ${finding.code}${where === '' ? '' : ` in ${where}`}`;
  if (source === undefined) return `${header}:\n  ${finding.message}\n`;
  return renderProblem(finding, source, header);
}

function summaryLine(report: LintReport): string {
  const { errors, warnings } = countBySeverity(report.findings);
  const files = report.files.length === 1 ? '1 file' : `${report.files.length} files`;
  if (errors + warnings === 0) return `${files} checked: no problems\n`;
  return `${files} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function renderLintJson(report: LintReport): string {
  const { errors, warnings } = countBySeverity(report.findings);
  return `${JSON.stringify({ files: report.files, errors, warnings, problems: report.findings }, null, 2)}\n`;
}
