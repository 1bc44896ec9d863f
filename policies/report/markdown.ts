import { FAMILIES, LEVELS } from '../rule';
import {
  ALWAYS_ON_PRICES,
  HOURS_PER_MONTH,
  monthlyUsd,
  PRICE_REGION,
  PRICES_TAKEN_ON,
} from '../rules/co/prices';
import {
  type AlwaysOnResource,
  type FindingsReport,
  type ReportFinding,
  type ReportRule,
  isOpen,
  reasonOrPlaceholder,
} from './model';
import { familyOf, formatLocation, primaryLocation, staleEntryLine } from './locations';

/*
 * A Markdown summary for a pull request: counts per stack and the clean stacks, the errors with
 * their fix, the warnings collapsed, the acknowledgements with their reasons, and what the
 * always-on resources (customer-managed KMS keys included) cost.
 */

/** Render a report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: FindingsReport): string {
  const lines = [`# ${report.tool.name} report`, ''];
  const unchecked = report.unchecked ?? [];
  if (unchecked.length > 0) {
    lines.push('## Not checked', '', ...unchecked.map((input) => `- ${inline(input.message)}`), '');
  }
  const alwaysOn = report.alwaysOn ?? [];
  const clean = cleanStacks(report);
  if (report.findings.length === 0) {
    lines.push(unchecked.length > 0 ? 'No findings in the inputs that could be read.' : 'No findings.', '');
    if (clean.length > 0) lines.push(cleanLine(clean), '');
    lines.push(...staleSection(report));
    if (alwaysOn.length > 0) lines.push('## Always-on cost estimate', '', ...costSection([], alwaysOn), '');
    return lines.join('\n');
  }
  const open = report.findings.filter(isOpen);
  const acknowledged = report.findings.filter((finding) => finding.acknowledgement);
  const baselined = report.findings.filter((finding) => finding.baseline && !finding.acknowledgement);
  const stacks = [...new Set(report.findings.map((finding) => finding.stack))].sort(compareText);
  const plugins = [...new Set(report.findings.map((finding) => finding.plugin))];
  lines.push(
    `**${summaryLine(report.findings)}** in ${count(stacks.length, 'stack')}, from ${plugins.join(', ')}.`,
    '',
    '## Summary',
    '',
  );
  for (const stack of stacks) lines.push(...stackSummary(stack, report.findings), '');
  if (clean.length > 0) lines.push(cleanLine(clean), '');

  const errors = open.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) lines.push('## Errors', '', ...ruleSections(errors, report.rules));
  const warnings = open.filter((finding) => finding.severity === 'warning');
  if (warnings.length > 0) {
    // Collapsed: warnings never fail the build, and a reviewer opens them when there is time.
    lines.push(
      '## Warnings',
      '',
      '<details>',
      `<summary>${count(warnings.length, 'warning')}</summary>`,
      '',
      ...ruleSections(warnings, report.rules),
      '</details>',
      '',
    );
  }
  if (baselined.length > 0) lines.push(...baselineSection(baselined, report.baseline?.file));
  lines.push(...staleSection(report));
  if (acknowledged.length > 0) lines.push('## Acknowledged', '', ...acknowledgementTable(acknowledged), '');
  const costed = report.findings.filter((finding) => finding.monthlyCostUsd !== undefined);
  if (costed.length > 0 || alwaysOn.length > 0) {
    lines.push('## Always-on cost estimate', '', ...costSection(costed, alwaysOn), '');
  }
  lines.push(...budgetSection(report.findings));
  return lines.join('\n');
}

/** Findings a baseline holds: shown, since they are still there, but apart from the ones that fail. */
function baselineSection(baselined: readonly ReportFinding[], file: string | undefined): string[] {
  return [
    '## In baseline',
    '',
    `${count(baselined.length, 'finding')} ${file !== undefined ? `in ${code(file)} ` : ''}${baselined.length === 1 ? 'is' : 'are'} reported but ${baselined.length === 1 ? 'does' : 'do'} not fail.`,
    '',
    '| Rule | Severity | Resource | Message |',
    '| --- | --- | --- | --- |',
    ...baselined.map(
      (finding) =>
        `| ${cell(inline(finding.ruleId))} | ${finding.severity} | ${cell(code(finding.resourcePath))} | ${cell(inline(finding.message))} |`,
    ),
    '',
  ];
}

function staleSection(report: FindingsReport): string[] {
  const stale = report.baseline?.stale ?? [];
  if (stale.length === 0) return [];
  return [
    '## Fixed baseline entries',
    '',
    `${count(stale.length, 'entry', 'entries')} of ${code(report.baseline?.file ?? '')} ${stale.length === 1 ? 'matches' : 'match'} no finding:`,
    '',
    ...stale.map((entry) => `- ${inline(staleEntryLine(entry))}`),
    '',
  ];
}

/** The checked stacks without a single finding: a reviewer sees they were checked, not forgotten. */
function cleanStacks(report: FindingsReport): string[] {
  const withFindings = new Set(report.findings.map((finding) => finding.stack));
  return (report.stacks ?? []).filter((stack) => !withFindings.has(stack)).sort(compareText);
}

function cleanLine(clean: readonly string[]): string {
  return `**Clean** (no findings): ${clean.map(code).join(', ')}.`;
}

/** `N errors, N warnings, N infos (N acknowledged)`: open findings by severity, then the acknowledged ones. */
export function summaryLine(findings: readonly ReportFinding[]): string {
  const open = findings.filter(isOpen);
  const counts = LEVELS.map((level) =>
    count(open.filter((finding) => finding.severity === level).length, level),
  );
  const acknowledged = findings.filter((finding) => finding.acknowledgement).length;
  const baselined = findings.filter((finding) => finding.baseline && !finding.acknowledgement).length;
  return `${counts.join(', ')} (${acknowledged} acknowledged${baselined > 0 ? `, ${baselined} in baseline` : ''})`;
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

function stackSummary(stack: string, findings: readonly ReportFinding[]): string[] {
  const inStack = findings.filter((finding) => finding.stack === stack);
  const families = [
    ...new Set(inStack.map((finding) => familyOf({ id: finding.ruleId, plugin: finding.plugin }))),
  ];
  families.sort((a, b) => familyRank(a) - familyRank(b) || compareText(a, b));
  const row = (label: string, rows: readonly ReportFinding[]): string => {
    const open = rows.filter(isOpen);
    const cells = LEVELS.map((level) => open.filter((finding) => finding.severity === level).length);
    const acknowledged = rows.filter((finding) => finding.acknowledgement).length;
    return `| ${label} | ${[...cells, acknowledged].join(' | ')} |`;
  };
  return [
    `### ${code(stack)}`,
    '',
    '| Family | Errors | Warnings | Infos | Acknowledged |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...families.map((family) =>
      row(
        cell(family),
        inStack.filter((finding) => familyOf({ id: finding.ruleId, plugin: finding.plugin }) === family),
      ),
    ),
    row('**Total**', inStack),
  ];
}

/** BIS families first, in the order of the diktats; other plugins after them. */
function familyRank(family: string): number {
  const index = Object.keys(FAMILIES).indexOf(family.split(' ')[0]);
  return index >= 0 && family.includes(' ') ? index : Object.keys(FAMILIES).length;
}

/** Findings under their rule; each run of findings that share a fix is followed by it. */
function ruleSections(findings: readonly ReportFinding[], rules: readonly ReportRule[]): string[] {
  const lines: string[] = [];
  const byRule = new Map<string, ReportFinding[]>();
  for (const finding of findings) {
    const key = `${finding.plugin}\u0000${finding.ruleId}`;
    byRule.set(key, [...(byRule.get(key) ?? []), finding]);
  }
  for (const [key, ofRule] of byRule) {
    const rule = rules.find((candidate) => `${candidate.plugin}\u0000${candidate.id}` === key);
    const first = ofRule[0];
    const title = inline(
      rule && rule.title !== first.ruleId ? `${first.ruleId}: ${rule.title}` : first.ruleId,
    );
    lines.push(`### ${title}`, '');
    const byFix = new Map<string | undefined, ReportFinding[]>();
    for (const finding of ofRule) {
      const fix = finding.fix ?? rule?.fix;
      byFix.set(fix, [...(byFix.get(fix) ?? []), finding]);
    }
    for (const [fix, sameFix] of byFix) {
      for (const finding of sameFix) {
        const location = primaryLocation(finding);
        lines.push(
          `- ${code(finding.resourcePath)}${location ? ` at ${code(formatLocation(location))}` : ''}: ${inline(finding.message)}`,
        );
      }
      lines.push('');
      if (fix !== undefined) lines.push(`**Fix:** ${inline(fix)}`, '');
    }
    if (rule?.helpUri !== undefined) lines.push(`[${first.ruleId} documentation](${rule.helpUri})`, '');
    else if (rule?.documentation !== undefined) {
      lines.push(`Documentation: ${code(rule.documentation)} in the cdk-bis package.`, '');
    }
  }
  return lines;
}

function acknowledgementTable(acknowledged: readonly ReportFinding[]): string[] {
  return [
    '| Rule | Resource | Reason | Acknowledged at |',
    '| --- | --- | --- | --- |',
    ...acknowledged.map((finding) => {
      const at = finding.acknowledgement?.at;
      return `| ${cell(inline(finding.ruleId))} | ${cell(code(finding.resourcePath))} | ${cell(inline(reasonOrPlaceholder(finding.acknowledgement?.reason)))} | ${at !== undefined ? cell(code(at)) : ''} |`;
    }),
  ];
}

const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function usd(amount: number): string {
  return `$${USD.format(Math.round(amount * 100) / 100)}`;
}

function costSection(costed: readonly ReportFinding[], alwaysOn: readonly AlwaysOnResource[]): string[] {
  const total =
    costed.reduce((sum, finding) => sum + (finding.monthlyCostUsd ?? 0), 0) +
    alwaysOn.reduce((sum, resource) => sum + resource.monthlyCostUsd, 0);
  const key = ALWAYS_ON_PRICES.kmsKey;
  return [
    '| Resource | Type | Rule | Monthly (USD) |',
    '| --- | --- | --- | ---: |',
    ...costed.map(
      (finding) =>
        `| ${cell(code(finding.resourcePath))}${finding.acknowledgement ? ' (acknowledged)' : ''} | ${cell(finding.resourceType ?? '')} | ${cell(inline(finding.ruleId))} | ${usd(finding.monthlyCostUsd ?? 0)} |`,
    ),
    ...alwaysOn.map(
      (resource) =>
        `| ${cell(code(resource.resourcePath))} | ${cell(resource.resourceType)} | (price table) | ${usd(resource.monthlyCostUsd)} |`,
    ),
    `| **Total** | | | **${usd(total)}** |`,
    '',
    `List prices in ${PRICE_REGION}, in USD, for ${HOURS_PER_MONTH} hours a month, before free tier, Savings Plans, ` +
      `discounts and tax, recorded on ${PRICES_TAKEN_ON}; usage charges (data processed, requests, capacity units) ` +
      'come on top. Estimates for comparing designs, not bills.' +
      (alwaysOn.length > 0
        ? ` A ${key.unit} costs ${usd(monthlyUsd(key))} a month (AWS KMS pricing) before ${key.extra}.`
        : ''),
  ];
}

/** The rule that compares the always-on floor per user with the budget (`BisChecks({ budget })`). */
const BUDGET_RULE_ID = 'BIS-CO10';

/**
 * The always-on cost per user against the budget, open or acknowledged: an acknowledged overrun is
 * in no Errors section, and a reviewer should still see it.
 */
function budgetSection(findings: readonly ReportFinding[]): string[] {
  const over = findings.filter((finding) => finding.ruleId === BUDGET_RULE_ID);
  if (over.length === 0) return [];
  return [
    '## Per-user budget',
    '',
    ...over.map(
      (finding) =>
        `- ${code(finding.stack)}${finding.acknowledgement ? ` (acknowledged: ${inline(reasonOrPlaceholder(finding.acknowledgement.reason))})` : ''}: ${inline(finding.message)}`,
    ),
    '',
    'The always-on floor only: what idle resources cost at list prices, before pay-per-use charges (requests, duration, data processed, storage).',
    '',
  ];
}

/** Inline code, with a fence longer than any run of backticks inside. */
function code(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/**
 * Prose from a plugin, kept on one line: code spans (`...`) as they are, and outside them the
 * characters Markdown or HTML would act on escaped, so `<value>` stays visible.
 */
function inline(value: string): string {
  const parts = value.replace(/\s*\n\s*/g, ' ').split(/(`[^`]*`)/);
  return parts
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\*_[\]<>#]/g, (char) => `\\${char}`)))
    .join('');
}

/** A table cell: pipes escaped (GitHub needs it inside code spans too). */
function cell(value: string): string {
  return value.replace(/\|/g, '\\|');
}

/** Code-point order, the same on every machine (localeCompare depends on the locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
