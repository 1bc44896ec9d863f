import type { StackInfo } from '../../engine/template-resource';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';

export default defineRule(
  __filename,
  {
    id: 'BIS-DI5',
    title: 'Only trusted stacks declare the data-platform role',
    rationale:
      "A stack's role is self-declared, and `data-platform` exempts it from the rules that keep data out of applications (BIS-DI1), and from BIS-BA1 and BIS-PO1: an application stack that declares it may hold its own tables and buckets unseen. " +
      "With `dataPlatformStacks` (BisChecks props, or `cdk-bis scan --data-platform-stacks`) the platform team lists the stacks that may declare it, by stack name or construct path, `*` matching any characters; any other stack that declares it is reported, and a nested stack counts as trusted when its top-level stack is. Without the option every declaration is trusted. A scanned template's stack name is its file name up to the first dot (`DataLake.template.json` is `DataLake`).",
    fix: "If the stack is not the platform team's, remove `BisRole.of(stack).set('data-platform')` (or the `bis:role` tag or Metadata) and reach the data through the lake's contract (`DataLake.fromLakeName(this, 'Lake', '<lakeName>')` and its grants). If it is, add its stack name or construct path to `dataPlatformStacks` in `new BisChecks(app, { dataPlatformStacks: [...] })` (or `cdk-bis scan --data-platform-stacks`).",
    level: 'error',
    resourceTypes: ['*'],
    findingsOn: 'stack',
  },
  (resource, index) => {
    const trusted = index.settings.dataPlatformStacks;
    const { stack } = resource;
    if (trusted === undefined || stack.role !== 'data-platform') return NOT_APPLICABLE;
    // A stack-level finding: only the stack's anchor carries it, so it is reported once per stack.
    if (index.stackAnchor(stack) !== resource) return NOT_APPLICABLE;
    const unit = stack.deploymentUnit;
    // A nested stack of a data-platform stack inherits its role: the top-level stack carries the finding.
    if (unit !== stack && unit.role === 'data-platform') return NOT_APPLICABLE;
    if (isListed(stack, trusted) || isListed(unit, trusted)) return COMPLIANT;
    const list = trusted.length > 0 ? trusted.join(', ') : 'none';
    return nonCompliant(
      `Stack ${stack.path} (stack name ${stack.stackName}) declares the role data-platform but is not one of the trusted data-platform stacks (dataPlatformStacks: ${list}), so it may not be exempt from the data-independence rules.`,
    );
  },
);

/** True when a pattern matches the stack's name or construct path (a scanned template's file). */
function isListed(stack: StackInfo, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const matcher = wildcard(pattern);
    return matcher.test(stack.stackName) || matcher.test(stack.path);
  });
}

/** `Orders*` as a whole-string regular expression, `*` matching any characters, `/` included. */
function wildcard(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
