import { LEVELS } from '../rule';
import { IN_BASELINE } from '../baseline';
import {
  type FindingsReport,
  type ReportFinding,
  type ReportRule,
  isOpen,
  reasonOrPlaceholder,
} from './model';
import { formatLocation, staleEntryLine } from './locations';

/*
 * JUnit XML for GitLab, Jenkins and Azure DevOps: one test suite per stack, one test case per
 * rule × resource. Open errors fail their test case; warnings and infos pass with the finding in the
 * case's output (or fail, with `warnings: 'failure'`); acknowledged ones are skipped with the reason.
 */

/** How warnings appear: as passing cases that print them, or as failures. */
export type JunitWarnings = 'pass' | 'failure';
export const JUNIT_WARNINGS: readonly JunitWarnings[] = ['pass', 'failure'];

export interface JunitOptions {
  /**
   * Warnings never fail synth, so by default they do not fail a test either: a CI server would
   * otherwise show a green pipeline beside a red test report. Infos always pass.
   *
   * @default 'pass'
   */
  readonly warnings?: JunitWarnings;
}

/** Render a report as a JUnit XML document. */
export function renderJunit(report: FindingsReport, options: JunitOptions = {}): string {
  const warningsFail = (options.warnings ?? 'pass') === 'failure';
  const rules = new Map(report.rules.map((rule) => [`${rule.plugin}\u0000${rule.id}`, rule]));
  const suites = new Map<string, Map<string, ReportFinding[]>>();
  for (const finding of report.findings) {
    const cases = suites.get(finding.stack) ?? new Map<string, ReportFinding[]>();
    suites.set(finding.stack, cases);
    const key = `${finding.plugin}\u0000${finding.ruleId}\u0000${finding.resourcePath}`;
    cases.set(key, [...(cases.get(key) ?? []), finding]);
  }

  const suiteXml: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const [stack, cases] of suites) {
    const caseXml: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const findings of cases.values()) {
      const open = findings.filter(isOpen);
      const failing = open.some(
        (finding) => finding.severity === 'error' || (warningsFail && finding.severity === 'warning'),
      );
      if (failing) suiteFailures++;
      else if (open.length === 0) suiteSkipped++;
      caseXml.push(testCase(stack, findings, open, failing, rules));
    }
    tests += cases.size;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suiteXml.push(
      `  <testsuite name="${xmlAttribute(stack)}" tests="${cases.size}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}">`,
      ...caseXml,
      '  </testsuite>',
    );
  }
  const stale = report.baseline?.stale ?? [];
  if (stale.length > 0) {
    // Passing cases that say so: an entry that matches nothing is a note, never a failure.
    const suite = `baseline ${report.baseline?.file ?? ''}`.trimEnd();
    tests += stale.length;
    suiteXml.push(
      `  <testsuite name="${xmlAttribute(suite)}" tests="${stale.length}" failures="0" errors="0" skipped="0">`,
      ...stale.map((entry) =>
        [
          `    <testcase classname="${xmlAttribute(suite)}" name="${xmlAttribute(`${entry.ruleId} ${entry.constructPath}`)}">`,
          `      <system-out>${xmlText(staleEntryLine(entry))}</system-out>`,
          '    </testcase>',
        ].join('\n'),
      ),
      '  </testsuite>',
    );
  }
  if (suites.size === 0 && stale.length === 0) {
    // A clean run is one passing test: CI tools such as Jenkins treat a report without tests as broken.
    tests = 1;
    suiteXml.push(
      `  <testsuite name="${xmlAttribute(report.tool.name)}" tests="1" failures="0" errors="0" skipped="0">`,
      `    <testcase classname="${xmlAttribute(report.tool.name)}" name="no findings"/>`,
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttribute(report.tool.name)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...suiteXml,
    '</testsuites>',
    '',
  ].join('\n');
}

function testCase(
  stack: string,
  findings: readonly ReportFinding[],
  open: readonly ReportFinding[],
  failing: boolean,
  rules: ReadonlyMap<string, ReportRule>,
): string {
  const first = findings[0];
  const name = `${first.ruleId} ${first.resourcePath}`;
  const file = (first.source ?? first.template)?.file;
  const head = `    <testcase classname="${xmlAttribute(stack)}" name="${xmlAttribute(name)}"${file !== undefined ? ` file="${xmlAttribute(file)}"` : ''}>`;
  if (open.length === 0) {
    const reasons = [
      ...new Set(
        findings.map((finding) =>
          finding.acknowledgement
            ? `acknowledged: ${reasonOrPlaceholder(finding.acknowledgement.reason)}`
            : IN_BASELINE,
        ),
      ),
    ];
    return [head, `      <skipped message="${xmlAttribute(reasons.join('; '))}"/>`, '    </testcase>'].join(
      '\n',
    );
  }
  const severity = LEVELS.find((level) => open.some((finding) => finding.severity === level)) ?? 'error';
  const rule = rules.get(`${first.plugin}\u0000${first.ruleId}`);
  const body = [
    ...open.map((finding) => `[${finding.severity}] ${finding.message}`),
    ...((first.fix ?? rule?.fix) !== undefined ? [`Fix: ${first.fix ?? rule?.fix}`] : []),
    ...(first.source ? [`Source: ${formatLocation(first.source)}`] : []),
    ...(first.template
      ? [
          `Template: ${formatLocation(first.template)}${first.logicalId !== undefined ? ` (${first.logicalId}${first.resourceType ? `, ${first.resourceType}` : ''})` : ''}`,
        ]
      : []),
    ...(rule?.helpUri !== undefined
      ? [`Help: ${rule.helpUri}`]
      : rule?.documentation !== undefined
        ? [`Help: ${rule.documentation} in the cdk-bis package`]
        : []),
  ].join('\n');
  if (!failing)
    return [head, `      <system-out>${xmlText(body)}</system-out>`, '    </testcase>'].join('\n');
  const message = open.map((finding) => finding.message).join(' | ');
  return [
    head,
    `      <failure message="${xmlAttribute(message)}" type="${severity}">${xmlText(body)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

/**
 * Characters XML 1.0 cannot carry at all, not even as references (C0 controls other than tab,
 * newline and carriage return, lone surrogates, U+FFFE and U+FFFF): replaced by U+FFFD.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text content: `&`, `<` and `>` escaped. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value in double quotes; line breaks and tabs as references, so parsers keep them. */
export function xmlAttribute(value: string): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
