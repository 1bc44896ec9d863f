import type { BaselineEntry } from '../baseline';
import type { Level } from '../rule';

/*
 * The one shape every report format is written from, whatever produced the findings: CDK's
 * validation report (`cdk-bis report`) or a template scan (`cdk-bis scan`).
 */

/** A rule as reports describe it (SARIF `tool.driver.rules`, Markdown, JUnit). */
export interface ReportRule {
  /** As the plugin names it: `BIS-SF1`, `AwsSolutions-S1`, `E3012`. */
  readonly id: string;
  /** The plugin (pack) that owns the rule: `BIS`, `AwsSolutions`, `CloudFormation Validate`. */
  readonly plugin: string;
  /** An identifier-like name, when the plugin has one: a BIS rule's file name (`NoServerCompute`). SARIF `name`. */
  readonly name?: string;
  /** One line. */
  readonly title: string;
  /** The longer explanation, when the plugin gives one. */
  readonly description?: string;
  /** How to fix a finding. */
  readonly fix?: string;
  /** A link to the rule's documentation, when it is published somewhere (`helpBaseUri`). */
  readonly helpUri?: string;
  /** Where the rule is documented inside the cdk-bis package (BIS rules: `docs/RULES.md#bis-sf1`). */
  readonly documentation?: string;
}

/** A place in a file: 1-based line and column. */
export interface FileLocation {
  /** Relative to the repository root (or `--root`), with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** One rule's verdict on one resource. */
export interface ReportFinding {
  readonly ruleId: string;
  readonly plugin: string;
  readonly severity: Level;
  readonly message: string;
  /** The stack: its construct path (CDK) or the template file (scan). */
  readonly stack: string;
  readonly logicalId?: string;
  readonly resourceType?: string;
  /** The construct path (CDK) or `<file>#<logicalId>` (scan). */
  readonly resourcePath: string;
  /** Where the construct was created (CDK) or the resource's line (scan). The primary location. */
  readonly source?: FileLocation;
  /** The resource's line in the synthesized or scanned template. */
  readonly template?: FileLocation;
  /** Set when the finding is acknowledged (CDK `Validations.acknowledge`, or `cdk_nag.rules_to_suppress`). */
  readonly acknowledgement?: { readonly reason: string; readonly at?: string };
  /** For always-on cost findings: the estimated monthly cost in USD. */
  readonly monthlyCostUsd?: number;
  /** How to fix this finding, for its own resource type. @default - the rule's `fix` */
  readonly fix?: string;
  /** Set when a baseline holds the finding: reported as suppressed "in baseline", never failing. */
  readonly baseline?: true;
}

/** An input that could not be read or parsed, and so was not checked (scan). */
export interface UncheckedInput {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** A resource that costs money while idle although no rule reports it: a customer-managed KMS key. */
export interface AlwaysOnResource {
  readonly stack: string;
  /** The construct path (CDK) or `<file>#<logicalId>` (scan). */
  readonly resourcePath: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly monthlyCostUsd: number;
}

export interface FindingsReport {
  readonly tool: { readonly name: string; readonly version: string };
  readonly rules: readonly ReportRule[];
  readonly findings: readonly ReportFinding[];
  /** Inputs that were not checked: a report must say so, not only stderr. @default - none */
  readonly unchecked?: readonly UncheckedInput[];
  /** Every stack that was checked, clean ones included (construct paths or template files). @default - the stacks of the findings */
  readonly stacks?: readonly string[];
  /** Always-on resources no rule reports, counted in the always-on cost. @default - none */
  readonly alwaysOn?: readonly AlwaysOnResource[];
  /** The baseline the findings were matched against, and its entries that matched none. @default - no baseline */
  readonly baseline?: { readonly file: string; readonly stale: readonly BaselineEntry[] };
}

/** Exit status of `cdk-bis`: 0 no error findings, 1 error findings, 2 usage, input or parse error. */
export function exitStatusOf(report: FindingsReport): 0 | 1 {
  return report.findings.some((finding) => finding.severity === 'error' && isOpen(finding)) ? 1 : 0;
}

/** Neither acknowledged nor in a baseline: a finding that counts. */
export function isOpen(finding: ReportFinding): boolean {
  return !finding.acknowledgement && !finding.baseline;
}

/** What reports print for an acknowledgement: its reason, or a placeholder when the reason is empty. */
export function reasonOrPlaceholder(reason: string | undefined): string {
  return reason !== undefined && reason !== '' ? reason : '(no reason given)';
}
