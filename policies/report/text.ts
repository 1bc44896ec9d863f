import { LEVELS, type Level } from '../rule';
import { type FindingsReport, type ReportFinding } from './model';
import { primaryLocation, staleEntryLine } from './locations';
import { summaryLine } from './markdown';

/*
 * The terminal view: findings grouped by the file they point to, one line each, and a summary line.
 * Colours only when asked (the CLI asks when standard output is a TTY).
 */

export interface TextOptions {
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

const ANSI = {
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  underline: '\u001b[4m',
  reset: '\u001b[0m',
} as const;

const MAX_ALIGNED_RULE_ID = 20;

const SEVERITY_COLOURS: Record<Level, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.cyan };

/** Render a report as plain text, one line per finding. */
export function renderText(report: FindingsReport, options: TextOptions = {}): string {
  const paint = (style: string, value: string): string =>
    options.color ? `${style}${value}${ANSI.reset}` : value;
  const byFile = new Map<string, ReportFinding[]>();
  // A baselined finding is known and accepted for now: a count line, not a line each.
  const listed = report.findings.filter((finding) => !finding.baseline || finding.acknowledgement);
  const baselined = report.findings.length - listed.length;
  for (const finding of listed) {
    const file = primaryLocation(finding)?.file ?? finding.stack;
    byFile.set(file, [...(byFile.get(file) ?? []), finding]);
  }

  const lines: string[] = [];
  // Aligned on the usual IDs; a long one (cdk-nag's `AwsSolutions-IAM4[Policy::...]`) only pushes its own line.
  const ruleWidth = Math.min(
    MAX_ALIGNED_RULE_ID,
    Math.max(0, ...listed.map((finding) => finding.ruleId.length)),
  );
  for (const [file, findings] of byFile) {
    lines.push(paint(ANSI.underline, file));
    const rows = [...findings].sort(
      (a, b) =>
        (primaryLocation(a)?.line ?? 0) - (primaryLocation(b)?.line ?? 0) ||
        LEVELS.indexOf(a.severity) - LEVELS.indexOf(b.severity),
    );
    const placeWidth = Math.max(...rows.map((finding) => place(finding).length));
    for (const finding of rows) {
      const level = finding.acknowledgement ? 'ack' : finding.severity;
      const label = paint(
        finding.acknowledgement ? ANSI.dim : SEVERITY_COLOURS[finding.severity],
        level.padEnd(7),
      );
      const subject = resourceOf(finding, file);
      const detail = finding.acknowledgement
        ? `${finding.message} ${paint(ANSI.dim, `(acknowledged: ${finding.acknowledgement.reason})`)}`
        : finding.message;
      lines.push(
        `  ${label}  ${finding.ruleId.padEnd(ruleWidth)}  ${paint(ANSI.dim, place(finding).padEnd(placeWidth))}  ${detail} ${paint(ANSI.dim, `[${subject}]`)}`,
      );
    }
    lines.push('');
  }
  const unchecked = report.unchecked ?? [];
  for (const input of unchecked) lines.push(`not checked  ${input.message}`);
  if (unchecked.length > 0) lines.push('');
  const stale = report.baseline?.stale ?? [];
  if (baselined > 0) {
    lines.push(
      `${baselined} finding${baselined === 1 ? '' : 's'} in baseline ${report.baseline?.file ?? ''}`.trimEnd() +
        ': reported, not failing.',
    );
  }
  for (const entry of stale) lines.push(`note  ${staleEntryLine(entry)}`);
  if (baselined > 0 || stale.length > 0) lines.push('');
  if (report.findings.length === 0) {
    lines.push(unchecked.length > 0 ? 'No findings in the inputs that could be read.' : 'No findings.');
  }
  lines.push(paint(ANSI.bold, summaryLine(report.findings)));
  return `${lines.join('\n')}\n`;
}

/** `line:column` in the group's file. */
function place(finding: ReportFinding): string {
  const location = primaryLocation(finding);
  if (!location) return '';
  return `${location.line}${location.column !== undefined ? `:${location.column}` : ''}`;
}

/** The construct path, or for a scan the logical ID (its `<file>#` prefix is the group's heading). */
function resourceOf(finding: ReportFinding, file: string): string {
  return finding.resourcePath.startsWith(`${file}#`)
    ? finding.resourcePath.slice(file.length + 1)
    : finding.resourcePath;
}
