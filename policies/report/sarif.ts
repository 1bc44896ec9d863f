import { fingerprintOf, IN_BASELINE } from '../baseline';
import { LEVELS, type Level } from '../rule';
import type { FileLocation, FindingsReport, ReportFinding, ReportRule } from './model';
import { familyOf, staleEntryLine } from './locations';

/*
 * SARIF 2.1.0, as GitHub code scanning takes it: every result has a physical location (GitHub
 * rejects results without one), fingerprints that do not move with line numbers, and acknowledged
 * findings as results with an accepted external suppression.
 */

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  /**
   * The tool's home page in `tool.driver.informationUri`.
   *
   * @default - none: cdk-bis is not published, and a link to a page that does not exist misleads
   */
  readonly informationUri?: string;
}

type SarifLevel = 'error' | 'warning' | 'note';

const SARIF_LEVELS: Record<Level, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** The fingerprint's name and version: bump the version if what is hashed ever changes. */
const FINGERPRINT_KEY = 'cdkBisFinding/v1';

/** Render a report as a SARIF 2.1.0 log with one run. */
export function renderSarif(report: FindingsReport, options: SarifOptions = {}): string {
  const rules = rulesOf(report);
  const ruleIndex = new Map(rules.map((rule, index) => [ruleKey(rule), index]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            ...(options.informationUri !== undefined ? { informationUri: options.informationUri } : {}),
            rules: rules.map((rule) => sarifRule(rule, report.findings)),
          },
        },
        ...invocations(report),
        results: report.findings.map((finding) =>
          sarifResult(finding, ruleIndex.get(ruleKey({ id: finding.ruleId, plugin: finding.plugin })) ?? 0),
        ),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Inputs that could not be read, as tool-execution notifications: code scanning shows them. */
function invocations(report: FindingsReport) {
  const unchecked = report.unchecked ?? [];
  const stale = report.baseline?.stale ?? [];
  if (unchecked.length === 0 && stale.length === 0) return {};
  const baselineFile = report.baseline?.file ?? '';
  return {
    invocations: [
      {
        executionSuccessful: unchecked.length === 0,
        toolExecutionNotifications: [
          ...unchecked.map((input) => ({
            level: 'error',
            message: { text: input.message },
            locations: [{ physicalLocation: physicalLocation({ file: input.file, line: input.line ?? 1 }) }],
          })),
          // A stale entry is not a finding: a note, so that code scanning shows it without an alert.
          ...stale.map((entry) => ({
            level: 'note',
            message: { text: staleEntryLine(entry) },
            locations: [{ physicalLocation: physicalLocation({ file: baselineFile, line: 1 }) }],
          })),
        ],
      },
    ],
  };
}

function ruleKey(rule: { readonly id: string; readonly plugin: string }): string {
  return `${rule.plugin}\u0000${rule.id}`;
}

/** The report's rules, plus one for any finding whose rule the report does not describe. */
function rulesOf(report: FindingsReport): ReportRule[] {
  const rules = [...report.rules];
  const known = new Set(rules.map(ruleKey));
  for (const finding of report.findings) {
    const rule: ReportRule = { id: finding.ruleId, plugin: finding.plugin, title: finding.ruleId };
    if (!known.has(ruleKey(rule))) {
      known.add(ruleKey(rule));
      rules.push(rule);
    }
  }
  return rules;
}

function sarifRule(rule: ReportRule, findings: readonly ReportFinding[]) {
  // The most serious level the rule was reported at; each result carries its own level anyway.
  const levels = new Set(
    findings.filter((f) => f.ruleId === rule.id && f.plugin === rule.plugin).map((f) => f.severity),
  );
  const level = LEVELS.find((candidate) => levels.has(candidate)) ?? 'warning';
  const family = familyOf(rule);
  const help = ruleHelp(rule, findings);
  return {
    id: rule.id,
    name: rule.name ?? rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description ?? rule.title },
    help,
    ...(rule.helpUri !== undefined ? { helpUri: rule.helpUri } : {}),
    defaultConfiguration: { level: SARIF_LEVELS[level] },
    properties: { tags: family === rule.plugin ? [rule.plugin] : [rule.plugin, family] },
  };
}

/**
 * The rule's documentation, carried in the log so that a reviewer needs no link: why it matters, how
 * to fix a finding, and where the full text is (a link, or the page shipped in the package).
 */
function ruleHelp(rule: ReportRule, findings: readonly ReportFinding[]): { text: string; markdown: string } {
  const why =
    rule.description !== undefined && rule.description !== rule.title ? rule.description : undefined;
  // The fixes of the types this report found, not every type the rule handles.
  const found = [
    ...new Set(
      findings
        .filter((finding) => finding.ruleId === rule.id && finding.plugin === rule.plugin)
        .map((finding) => finding.fix)
        .filter((fix): fix is string => fix !== undefined),
    ),
  ];
  const fix =
    (found.length > 0 ? found.join('\n\n') : undefined) ??
    rule.fix ??
    (why === undefined ? rule.title : undefined);
  const where =
    rule.helpUri !== undefined
      ? { text: `Documentation: ${rule.helpUri}`, markdown: `[Documentation](${rule.helpUri})` }
      : rule.documentation !== undefined
        ? {
            text: `Documentation: ${rule.documentation} in the cdk-bis package.`,
            markdown: `Documentation: \`${rule.documentation}\` in the cdk-bis package.`,
          }
        : undefined;
  const text = [
    rule.title,
    ...(why !== undefined ? [`Why: ${why}`] : []),
    ...(fix !== undefined ? [`Fix: ${fix}`] : []),
    ...(where ? [where.text] : []),
  ];
  const markdown = [
    `**${rule.title}**`,
    ...(why !== undefined ? [`**Why:** ${why}`] : []),
    ...(fix !== undefined ? [`**Fix:** ${fix}`] : []),
    ...(where ? [where.markdown] : []),
  ];
  return { text: text.join('\n\n'), markdown: markdown.join('\n\n') };
}

function sarifResult(finding: ReportFinding, ruleIndex: number) {
  // Scan findings point at the template; a CDK finding's source line falls back to its template line.
  const primary = finding.source ?? finding.template ?? { file: finding.stack, line: 1 };
  const related = finding.source && finding.template ? finding.template : undefined;
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: SARIF_LEVELS[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: physicalLocation(primary),
        logicalLocations: [{ fullyQualifiedName: finding.resourcePath, kind: 'resource' }],
      },
    ],
    ...(related
      ? {
          relatedLocations: [
            {
              id: 1,
              physicalLocation: physicalLocation(related),
              message: {
                text: `${finding.logicalId ?? finding.resourcePath}${finding.resourceType ? ` (${finding.resourceType})` : ''} in the synthesized template`,
              },
            },
          ],
        }
      : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprintOf(finding) },
    ...(finding.baseline && !finding.acknowledgement
      ? { suppressions: [{ kind: 'external', justification: IN_BASELINE }] }
      : {}),
    ...(finding.acknowledgement
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: finding.acknowledgement.reason,
              ...(finding.acknowledgement.at !== undefined
                ? { properties: { acknowledgedAt: finding.acknowledgement.at } }
                : {}),
            },
          ],
        }
      : {}),
    properties: {
      plugin: finding.plugin,
      stack: finding.stack,
      ...(finding.logicalId !== undefined ? { logicalId: finding.logicalId } : {}),
      ...(finding.resourceType !== undefined ? { resourceType: finding.resourceType } : {}),
      ...(finding.monthlyCostUsd !== undefined ? { monthlyCostUsd: finding.monthlyCostUsd } : {}),
    },
  };
}

function physicalLocation(location: FileLocation) {
  return {
    artifactLocation: { uri: encodeUri(location.file), uriBaseId: '%SRCROOT%' },
    region: {
      startLine: Math.max(1, location.line),
      ...(location.column !== undefined ? { startColumn: Math.max(1, location.column) } : {}),
    },
  };
}

/** A relative path as a URI reference: each segment percent-encoded, the slashes kept. */
function encodeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}
