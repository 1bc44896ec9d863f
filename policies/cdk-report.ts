import type { PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation } from 'aws-cdk-lib';
import { acknowledgementHint } from './acknowledgement';
import { IN_BASELINE } from './baseline';
import type { BisFinding } from './finding';
import type { BisRule, PackCheck } from './rule';
import { documentationOf } from './rules-doc';

type Violation = PolicyViolation & { violatingResources: PolicyViolatingResource[] };

/** Where in a resource every finding points: one shared list, since a run can have thousands of findings. */
const PROPERTIES_LOCATION: string[] = ['Properties'];

/**
 * The findings as CDK's policy-validation report: one violation per rule, level and message, listing
 * every resource it was found on. The report fails only on an unacknowledged error.
 */
export function policyValidationReport(
  findings: readonly BisFinding[],
  options: { readonly includeAcknowledged: boolean; readonly pluginVersion: string },
): PolicyValidationPluginReport {
  const violations: Violation[] = [];
  // Keyed by message within a rule: messages are often shared strings, whose hash V8 computes once.
  // The rare finding whose level differs from its message's first violation gets its own group.
  const grouped = new Map<BisRule | PackCheck, Map<string, Violation[]>>();
  const described = new Map<BisRule | PackCheck, RuleDescription>();
  for (const finding of findings) {
    if (finding.acknowledgedReason !== undefined && !options.includeAcknowledged) continue;
    let byMessage = grouped.get(finding.rule);
    if (!byMessage) grouped.set(finding.rule, (byMessage = new Map()));
    let sameMessage = byMessage.get(finding.message);
    if (!sameMessage) byMessage.set(finding.message, (sameMessage = []));
    let description = described.get(finding.rule);
    if (!description) described.set(finding.rule, (description = describe(finding.rule)));
    const fix = description.fixOf(finding.resource.type);
    // A baselined finding goes to CDK as an info, which never fails synth, even where CDK recomputes
    // success from severities (any acknowledgement in the app); reports read its level back.
    const baselined = finding.baselined === true && finding.acknowledgedReason === undefined;
    const severity = baselined ? 'info' : finding.level;
    let violation = sameMessage.find(
      (candidate) =>
        candidate.severity === severity &&
        candidate.fix === fix &&
        (candidate.ruleMetadata?.baseline === IN_BASELINE) === baselined &&
        (!baselined || candidate.ruleMetadata?.level === finding.level),
    );
    if (!violation) {
      let ruleMetadata: Record<string, string> = description.ruleMetadata;
      // Reports sum monthlyCostUsd into the always-on estimate; CDK's report keeps string values only.
      if (finding.monthlyCostUsd !== undefined) {
        ruleMetadata = { ...ruleMetadata, monthlyCostUsd: finding.monthlyCostUsd.toFixed(2) };
      }
      if (baselined) ruleMetadata = { ...ruleMetadata, baseline: IN_BASELINE, level: finding.level };
      violation = {
        ruleName: finding.rule.id,
        description: `[${finding.rule.id}] ${baselined ? `(${IN_BASELINE}) ` : ''}${finding.message}`,
        fix,
        severity,
        ruleMetadata,
        violatingResources: [],
      };
      sameMessage.push(violation);
      violations.push(violation);
    }
    violation.violatingResources.push({
      constructPath: finding.resource.path,
      locations: PROPERTIES_LOCATION,
    });
  }
  const failing = findings.some(
    (finding) => finding.level === 'error' && finding.acknowledgedReason === undefined && !finding.baselined,
  );
  return { success: !failing, violations, pluginVersion: options.pluginVersion };
}

interface RuleDescription {
  /** The fix a finding on this resource type prints: its own type's when the rule gives one. */
  readonly fixOf: (resourceType: string) => string;
  readonly ruleMetadata: Record<string, string>;
}

/**
 * The fix a finding prints: its own resource type's when the rule gives one, else the rule's whole
 * fix, with how to acknowledge it. Synth and `cdk-bis report` both print this text.
 */
export function findingFix(
  rule: Pick<BisRule | PackCheck, 'id' | 'fix' | 'fixes'>,
  resourceType?: string,
): string {
  const own = resourceType !== undefined ? rule.fixes?.[resourceType] : undefined;
  return `${own ?? rule.fix} ${acknowledgementHint(rule.id, 'construct')}`;
}

/** A rule's fix text and metadata are the same for all its findings: built once per rule and report. */
function describe(rule: BisRule | PackCheck): RuleDescription {
  const byType = new Map<string, string>();
  const documentation = documentationOf(rule);
  return {
    fixOf: (resourceType) => {
      let fix = byType.get(resourceType);
      if (fix === undefined) byType.set(resourceType, (fix = findingFix(rule, resourceType)));
      return fix;
    },
    ruleMetadata: {
      title: rule.title,
      family: rule.family,
      diktat: rule.diktat,
      // An org rule without a link of its own is not in docs/RULES.md: no link rather than a broken one.
      ...(documentation !== undefined ? { documentation } : {}),
    },
  };
}
