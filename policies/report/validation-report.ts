import { join, resolve } from 'path';
import { ACKNOWLEDGEMENT_CHECK } from '../acknowledgement-check';
import { IN_BASELINE } from '../baseline';
import { BIS_PLUGIN_NAME, RULES_DOC_URL } from '../bis-checks';
import { findingFix } from '../cdk-report';
import { PACKAGE_VERSION } from '../package-version';
import { STAGE_GATE_ID } from '../stage-notice';
import { isBuiltInRuleId, type Level } from '../rule';
import { ALL_RULES } from '../rules';
import { ALWAYS_ON_PRICES, monthlyUsd } from '../rules/co/prices';
import { CloudAssemblyLocations } from './cloud-assembly-locations';
import { relativeToRoot, userFrameOf } from './locations';
import type { AlwaysOnResource, FileLocation, FindingsReport, ReportFinding, ReportRule } from './model';
import {
  parseReport,
  type PolicyViolationJson,
  type SuppressedViolationJson,
} from './validation-report-file';

/*
 * `cdk-bis report`: CDK's `cdk.out/validation-report.json` as a FindingsReport. Every plugin's
 * findings are converted (BIS, cdk-nag packs, CloudFormation Validate), each pointed at the source
 * line that created its construct and at its resource's line in the synthesized template.
 */

export interface ReadValidationReportOptions {
  /** Source and template paths are made relative to it (the repository root, or `--root`). */
  readonly root: string;
  /**
   * Where BIS rules' docs/RULES.md is published; rules then link to `<helpBaseUri>/docs/RULES.md#bis-sf1`.
   *
   * @default - no link: the package is not published, so the rule's documentation travels in the
   * report instead (SARIF `help`, and `docs/RULES.md#bis-sf1` named as shipped in the package)
   */
  readonly helpBaseUri?: string;
  /**
   * The version the report names its tool with.
   *
   * @default this package's version
   */
  readonly toolVersion?: string;
}

export const VALIDATION_REPORT_FILE = 'validation-report.json';

/**
 * Read `<cdkOutDir>/validation-report.json` and convert the findings of every plugin in it.
 * Locations never fail the conversion: a finding whose resource cannot be found in the templates
 * points at its stack's template (line 1), or at the validation report itself, so that every
 * finding has a file to show (GitHub code scanning rejects results without one).
 *
 * @throws ReportInputError when the directory or the report is missing, unreadable or not a report
 */
export function readValidationReport(
  cdkOutDir: string,
  options: ReadValidationReportOptions,
): FindingsReport {
  const reportFile = join(cdkOutDir, VALIDATION_REPORT_FILE);
  const json = parseReport(cdkOutDir, reportFile);
  const root = resolve(options.root);
  const helpBaseUri = options.helpBaseUri?.replace(/\/+$/, '');
  const assembly = new CloudAssemblyLocations(resolve(cdkOutDir), root);
  const reportLocation: FileLocation = { file: relativeToRoot(root, resolve(reportFile)), line: 1 };

  const rules = new Map<string, ReportRule>();
  const findings: ReportFinding[] = [];
  for (const plugin of json.pluginReports) {
    const failure = plugin.metadata?.error;
    if (plugin.conclusion === 'failure' && plugin.violations.length === 0 && typeof failure === 'string') {
      // A plugin that crashed checked nothing; reporting "no findings" for it would be a lie.
      findings.push(pluginFailure(plugin.pluginName, failure, reportLocation, rules));
      continue;
    }
    const entries = [
      ...plugin.violations.map((violation) => ({ violation, acknowledged: false })),
      ...(plugin.suppressedViolations ?? []).map((violation) => ({ violation, acknowledged: true })),
    ];
    for (const { violation, acknowledged } of entries) {
      // The Stage gate only makes the CDK CLI fail; the findings it counts are each in the report already.
      if (plugin.pluginName === BIS_PLUGIN_NAME && violation.ruleName === STAGE_GATE_ID) continue;
      const rule = ruleOf(plugin.pluginName, violation, helpBaseUri);
      const key = ruleKey(rule);
      if (!rules.has(key)) rules.set(key, rule);
      const message = withoutRulePrefix(violation.ruleName, violation.description ?? '') || rule.title;
      const monthlyCostUsd = Number(violation.ruleMetadata?.monthlyCostUsd ?? Number.NaN);
      // BisChecks reports a baselined finding as info, so that CDK never fails on it, with its own level beside.
      const baselined =
        plugin.pluginName === BIS_PLUGIN_NAME && violation.ruleMetadata?.baseline === IN_BASELINE;
      const severity = levelOf(baselined ? violation.ruleMetadata?.level : violation.severity);
      for (const construct of violation.violatingConstructs) {
        const located = assembly.locate(construct.constructPath, construct.cloudFormationResource);
        // CDK keeps the innermost frames only: a construct a library made inside user code (the
        // DefaultPolicy of `table.grantWriteData(fn)`) points at its nearest ancestor the user wrote.
        const source =
          sourceOf(construct.stackTraces ?? [], root) ??
          sourceOf(assembly.ancestorCreationTraces(construct.constructPath), root);
        const suppressed = violation as SuppressedViolationJson;
        const fix = fixOf(plugin.pluginName, violation, located.resourceType);
        findings.push({
          ruleId: violation.ruleName,
          plugin: plugin.pluginName,
          severity,
          message,
          stack: located.stack,
          ...(located.logicalId !== undefined ? { logicalId: located.logicalId } : {}),
          ...(located.resourceType !== undefined ? { resourceType: located.resourceType } : {}),
          resourcePath: construct.constructPath,
          ...(source ? { source } : {}),
          template: located.template ?? reportLocation,
          ...(acknowledged
            ? {
                acknowledgement: {
                  reason: suppressed.reason ?? '',
                  ...(suppressed.acknowledgedAt !== undefined ? { at: suppressed.acknowledgedAt } : {}),
                },
              }
            : {}),
          ...(Number.isFinite(monthlyCostUsd) ? { monthlyCostUsd } : {}),
          ...(fix !== undefined ? { fix } : {}),
          ...(baselined && !acknowledged ? { baseline: true as const } : {}),
        });
      }
    }
  }
  return {
    tool: { name: 'cdk-bis', version: options.toolVersion ?? PACKAGE_VERSION },
    rules: [...rules.values()],
    findings,
    stacks: assembly.stacks(),
    alwaysOn: customerManagedKeys(assembly),
  };
}

/** The KMS keys of the assembly's templates, at their list price: they cost money for as long as they exist. */
function customerManagedKeys(assembly: CloudAssemblyLocations): AlwaysOnResource[] {
  return assembly.resourcesOfType('AWS::KMS::Key').map((key) => ({
    stack: key.stack,
    resourcePath: key.constructPath ?? `${key.stack}/${key.logicalId}`,
    logicalId: key.logicalId,
    resourceType: 'AWS::KMS::Key',
    monthlyCostUsd: monthlyUsd(ALWAYS_ON_PRICES.kmsKey),
  }));
}

const BIS_RULES = new Map([...ALL_RULES, ACKNOWLEDGEMENT_CHECK].map((rule) => [rule.id, rule]));

/** A BIS finding's fix for its own resource type, as synth prints it; other plugins' suggested fix. */
function fixOf(
  plugin: string,
  violation: PolicyViolationJson,
  resourceType: string | undefined,
): string | undefined {
  const bisRule = plugin === BIS_PLUGIN_NAME ? BIS_RULES.get(violation.ruleName) : undefined;
  return bisRule ? findingFix(bisRule, resourceType) : violation.suggestedFix;
}

function ruleKey(rule: { readonly plugin: string; readonly id: string }): string {
  return `${rule.plugin}\u0000${rule.id}`;
}

function ruleOf(plugin: string, violation: PolicyViolationJson, helpBaseUri: string | undefined): ReportRule {
  const metadata = violation.ruleMetadata ?? {};
  const description = withoutRulePrefix(violation.ruleName, violation.description ?? '');
  const title = metadata.title ?? (firstSentence(description) || violation.ruleName);
  const bisRule = plugin === BIS_PLUGIN_NAME ? BIS_RULES.get(violation.ruleName) : undefined;
  // The rule's whole fix (every type it handles); each finding carries its own type's.
  const fix = bisRule ? findingFix(bisRule) : violation.suggestedFix;
  const documentation = metadata.documentation;
  const isLink = documentation !== undefined && /^https?:\/\//.test(documentation);
  // Only BIS rules are in docs/RULES.md; an org rule (`ACME-1`) has its own link or none.
  const inPackage =
    plugin === BIS_PLUGIN_NAME &&
    !isLink &&
    (documentation !== undefined || isBuiltInRuleId(violation.ruleName))
      ? (documentation ?? `${RULES_DOC_URL}#${violation.ruleName.toLowerCase()}`)
      : undefined;
  let helpUri: string | undefined;
  if (isLink) helpUri = documentation;
  else if (inPackage !== undefined && helpBaseUri !== undefined) helpUri = `${helpBaseUri}/${inPackage}`;
  // A BIS rule's explanation is its rationale; other plugins describe the rule in the violation itself.
  const longer =
    bisRule?.rationale ?? (description !== title && description !== '' ? description : undefined);
  return {
    id: violation.ruleName,
    plugin,
    ...(bisRule ? { name: bisRule.name } : {}),
    title,
    ...(longer !== undefined ? { description: longer } : {}),
    ...(fix ? { fix } : {}),
    ...(helpUri !== undefined ? { helpUri } : {}),
    ...(inPackage !== undefined ? { documentation: inPackage } : {}),
  };
}

function pluginFailure(
  plugin: string,
  error: string,
  location: FileLocation,
  rules: Map<string, ReportRule>,
): ReportFinding {
  const rule: ReportRule = {
    id: 'plugin-failure',
    plugin,
    title: 'The validation plugin failed and checked nothing',
    fix: `Fix the cause named in the message, then run \`cdk synth\` again.`,
  };
  if (!rules.has(ruleKey(rule))) rules.set(ruleKey(rule), rule);
  return {
    ruleId: rule.id,
    plugin,
    severity: 'error',
    message: error,
    stack: '(app)',
    resourcePath: '(app)',
    template: location,
  };
}

function levelOf(severity: string | undefined): Level {
  // CDK writes a missing severity as error.
  if (severity === undefined || severity === 'error' || severity === 'fatal') return 'error';
  return severity === 'warning' ? 'warning' : 'info';
}

/** `[BIS-SF1] Instances run...` → `Instances run...`: the ID is shown beside the message anyway. */
function withoutRulePrefix(ruleName: string, description: string): string {
  const prefix = `[${ruleName}] `;
  return (description.startsWith(prefix) ? description.slice(prefix.length) : description).trim();
}

function firstSentence(text: string): string {
  const match = /^(.+?)[.!?](\s|$)/s.exec(text);
  return (match ? match[1] : text).trim();
}

function sourceOf(stackTraces: readonly string[], root: string): FileLocation | undefined {
  for (const trace of stackTraces) {
    const frame = userFrameOf(trace);
    if (frame) return { ...frame, file: relativeToRoot(root, frame.file) };
  }
  return undefined;
}
