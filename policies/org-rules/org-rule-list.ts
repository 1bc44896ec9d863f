import { isBuiltInRuleId, LEVELS, ORG_FAMILY, ORG_RULE_ID, orgRuleIdProblem, type BisRule } from '../rule';

/**
 * Check the org rules given to `BisChecks` (`rules`) or loaded by `cdk-bis scan --rules`: each is a
 * rule built by `defineRule` from `cdk-bis/rules`, with its own prefix, and no ID appears twice.
 * Every mistake is an error naming the rule (its position when it has no ID) and what to do.
 */
export function checkedOrgRules(rules: unknown, where: string): readonly BisRule[] {
  if (!Array.isArray(rules)) {
    throw new Error(
      `${where} must be a list of rules built with defineRule from 'cdk-bis/rules', not ${describe(rules)}.`,
    );
  }
  const seen = new Map<string, BisRule>();
  rules.forEach((rule: unknown, position) => {
    const problem = ruleProblem(rule);
    if (problem !== undefined) throw new Error(`${where}[${position}]: ${problem}`);
    const checked = rule as BisRule;
    const earlier = seen.get(checked.id);
    if (earlier) {
      throw new Error(
        `${where}: rule ID ${checked.id} is defined twice (${earlier.name} and ${checked.name}); give each rule its own ID.`,
      );
    }
    seen.set(checked.id, checked);
  });
  return [...seen.values()];
}

/** Why a value is not a usable org rule, or undefined when it is one. */
function ruleProblem(rule: unknown): string | undefined {
  if (typeof rule !== 'object' || rule === null) {
    return `${describe(rule)} is not a rule; build each rule with defineRule(__filename, metadata, check) from 'cdk-bis/rules'.`;
  }
  const { id, family, check, resourceTypes, level, title, fix } = rule as Partial<BisRule>;
  if (typeof id !== 'string') return 'the rule has no id; give it one such as ACME-1.';
  if (isBuiltInRuleId(id)) {
    return `rule ID ${id}: BIS- is reserved for the rules cdk-bis ships; give org rules your organisation's prefix (ACME-1).`;
  }
  if (!ORG_RULE_ID.test(id)) return orgRuleIdProblem(id);
  if (family !== ORG_FAMILY || typeof check !== 'function') {
    return `rule ${id} was not built with defineRule from 'cdk-bis/rules'; write export default defineRule(__filename, {...}, check).`;
  }
  if (!Array.isArray(resourceTypes) || resourceTypes.length === 0) {
    return `rule ${id}: resourceTypes is empty, so it would never run.`;
  }
  if (level === undefined || !LEVELS.includes(level)) {
    return `rule ${id}: level is ${JSON.stringify(level)}; use one of ${LEVELS.join(', ')}.`;
  }
  if (typeof title !== 'string' || title.trim() === '' || typeof fix !== 'string' || fix.trim() === '') {
    return `rule ${id} needs a title and a fix: a finding must say what is expected and how to comply.`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
