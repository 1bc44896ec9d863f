import { acknowledgementId } from './acknowledgement';
import { FAMILIES, isBuiltInRuleId, ORG_FAMILY, type BisRule, type Family, type PackCheck } from './rule';

/** Where each rule is documented; reports link findings here (`docs/RULES.md#bis-sf1`). */
export const RULES_DOC_URL = 'docs/RULES.md';

/** Where a rule is documented: docs/RULES.md for a BIS rule, an org rule's own link if it gives one. */
export function documentationOf(rule: BisRule | PackCheck): string | undefined {
  return isBuiltInRuleId(rule.id) ? `${RULES_DOC_URL}#${rule.id.toLowerCase()}` : rule.documentation;
}

/**
 * docs/RULES.md, rendered from the rule metadata: the one source of truth. cdk-nag writes its
 * RULES.md by hand and the two drift; here a test fails when the file is stale.
 */
export function renderRulesDoc(rules: readonly BisRule[]): string {
  const builtIn = rules.filter((rule) => rule.family !== ORG_FAMILY);
  const org = rules.filter((rule) => rule.family === ORG_FAMILY);
  const lines: string[] = [
    '# BIS rules',
    '',
    org.length === 0
      ? '<!-- Generated from the rule metadata by `npm run docs`. Do not edit: edit the rule file instead. -->'
      : '<!-- Generated from the rule metadata by `cdk-bis rules`. Do not edit: edit the rule files instead. -->',
    '',
    `${builtIn.length} rules, one file each under \`policies/rules/<family>/<RuleName>.ts\`` +
      (org.length > 0 ? `, and ${org.length} org rule${org.length === 1 ? '' : 's'} of your own. ` : '. ') +
      "Errors fail `cdk synth`; warnings and infos are reported and fail only with `failOn: 'warning'`. " +
      `Acknowledge a finding with \`Validations.of(construct).acknowledge({ id: '${acknowledgementId('<rule id>')}', reason: '...' })\`. ` +
      'Change a level with `levels`, switch a rule off with `disable` (see the README).',
    '',
    '| ID | Rule | Level | Title |',
    '|---|---|---|---|',
    ...rules.map(
      (rule) =>
        `| [${rule.id}](#${anchor(rule)}) | ${rule.name} | ${rule.level} | ${escapeCell(rule.title)} |`,
    ),
    '',
  ];
  for (const family of Object.keys(FAMILIES) as Family[]) {
    const inFamily = builtIn.filter((rule) => rule.family === family);
    if (inFamily.length === 0) continue;
    lines.push(`## ${family}: ${FAMILIES[family]}`, '');
    for (const rule of inFamily) lines.push(...ruleSection(rule));
  }
  // Org rules have no BIS family: they are grouped by their organisation's prefix (`ACME-`).
  for (const prefix of [...new Set(org.map(orgPrefix))]) {
    lines.push(`## ${prefix}: org rules`, '');
    for (const rule of org.filter((candidate) => orgPrefix(candidate) === prefix))
      lines.push(...ruleSection(rule));
  }
  return lines.join('\n');
}

function ruleSection(rule: BisRule): string[] {
  return [
    `<a id="${anchor(rule)}"></a>`,
    `### ${rule.id} ${rule.name}: ${rule.title}`,
    '',
    `- **Level:** ${rule.level}`,
    `- **Applies to:** ${rule.resourceTypes.map((type) => (type === '*' ? 'every resource (stack-level check)' : `\`${type}\``)).join(', ')}`,
    ...(rule.diktat !== '' ? [`- **Diktat:** "${rule.diktat}"`] : []),
    `- **Why:** ${rule.rationale}`,
    `- **Fix:** ${rule.fix}`,
    ...(rule.family === ORG_FAMILY && rule.documentation !== undefined
      ? [`- **Documentation:** ${rule.documentation}`]
      : []),
    `- **Acknowledge:** \`Validations.of(construct).acknowledge({ id: '${acknowledgementId(rule.id)}', reason: '...' })\``,
    '',
  ];
}

/** `ACME` for `ACME-S3-2`. */
function orgPrefix(rule: BisRule): string {
  return rule.id.slice(0, rule.id.indexOf('-'));
}

/** The catalogue as JSON (`cdk-bis rules --format json`): the same metadata, one object per rule. */
export function renderRulesJson(rules: readonly BisRule[]): string {
  const entries = rules.map((rule) => ({
    id: rule.id,
    name: rule.name,
    family: rule.family,
    level: rule.level,
    title: rule.title,
    ...(rule.diktat !== '' ? { diktat: rule.diktat } : {}),
    rationale: rule.rationale,
    fix: rule.fix,
    ...(rule.fixes !== undefined ? { fixes: rule.fixes } : {}),
    resourceTypes: rule.resourceTypes,
    findingsOn: rule.findingsOn ?? 'resource',
    ...(documentationOf(rule) !== undefined ? { documentation: documentationOf(rule) } : {}),
    acknowledge: acknowledgementId(rule.id),
  }));
  return `${JSON.stringify({ rules: entries }, null, 2)}\n`;
}

/** The HTML anchor reports link to: `docs/RULES.md#bis-sf1`. */
function anchor(rule: BisRule): string {
  return rule.id.toLowerCase();
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
