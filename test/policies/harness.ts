import { App, CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { BisChecks, type BisChecksProps, type BisFinding } from '../../policies/bis-checks';
import { indexTemplates, AppIndex } from '../../policies/engine/app-index';
import { synthesizedTemplates } from '../../policies/engine/synthesized-templates';
import type { BisRule, Verdict } from '../../policies/rule';
import type { BisRoleName } from '../../lib/roles';

/*
 * The test harness for rules: build a real CDK app (or a template), synthesize it as `cdk synth`
 * would, and read the verdicts. Rule tests go through it so they exercise the same path as users.
 */

export { testApp } from '../support';

/** Synthesize (aspects, tags and cross-stack references in place) and return every BIS finding. */
export function evaluateApp(app: App, props: BisChecksProps = {}): BisFinding[] {
  app.synth();
  return new BisChecks(undefined, props).evaluate(app);
}

/** The findings of one rule, as `{ path, level, message }` for readable assertions. */
export function findingsFor(findings: readonly BisFinding[], ruleId: string) {
  return findings
    .filter((finding) => finding.rule.id === ruleId)
    .map((finding) => ({ path: finding.resource.path, level: finding.level, message: finding.message }));
}

/** Run one rule on one L1 resource of a synthesized app and return its verdict. */
export function verdictOf(rule: BisRule, resource: IConstruct): Verdict {
  const cfn = CfnResource.isCfnResource(resource) ? resource : (resource.node.defaultChild as CfnResource);
  if (!cfn || !CfnResource.isCfnResource(cfn)) throw new Error(`${resource.node.path} has no L1 resource`);
  const app = Stack.of(cfn).node.root as App;
  app.synth();
  const index = AppIndex.fromConstructTree(app, undefined, synthesizedTemplates({ fresh: false }));
  const view = index.resources.find((candidate) => candidate.construct === cfn);
  if (!view) throw new Error(`${cfn.node.path} is not in the index`);
  return rule.check(view, index);
}

/** Run one rule on every resource of a template (JSON object) and return verdicts by logical ID. */
/** Every verdict of a rule on a template, whole (with its message), by logical ID. */
export function templateVerdicts(
  rule: BisRule,
  template: object,
  role: BisRoleName = 'application',
): Record<string, Verdict> {
  const index = indexTemplates([{ path: 'template.json', role, template }]);
  const verdicts: Record<string, Verdict> = {};
  for (const resource of index.resources) {
    if (rule.resourceTypes.includes(resource.type) || rule.resourceTypes.includes('*')) {
      verdicts[resource.logicalId] = rule.check(resource, index);
    }
  }
  return verdicts;
}

export function verdictsOfTemplate(
  rule: BisRule,
  template: object,
  role: BisRoleName = 'application',
): Record<string, Verdict['kind']> {
  const verdicts = templateVerdicts(rule, template, role);
  return Object.fromEntries(
    Object.entries(verdicts).map(([logicalId, verdict]) => [logicalId, verdict.kind]),
  );
}
