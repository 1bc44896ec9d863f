import { acknowledgementId } from './acknowledgement';
import { FAMILIES, type BisRule, type Family } from './rule';

/** Where each rule is documented; reports link findings here (`docs/RULES.md#bis-sf1`). */
export const RULES_DOC_URL = 'docs/RULES.md';

/**
 * docs/RULES.md, rendered from the rule metadata: the one source of truth. cdk-nag writes its
 * RULES.md by hand and the two drift; here a test fails when the file is stale.
 */
export function renderRulesDoc(rules: readonly BisRule[]): string {
  const lines: string[] = [
    '# BIS rules',
    '',
    '<!-- Generated from the rule metadata by `npm run docs`. Do not edit: edit the rule file instead. -->',
    '',
    `${rules.length} rules, one file each under \`policies/rules/<family>/<RuleName>.ts\`. ` +
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
    const inFamily = rules.filter((rule) => rule.family === family);
    if (inFamily.length === 0) continue;
    lines.push(`## ${family}: ${FAMILIES[family]}`, '');
    for (const rule of inFamily) {
      lines.push(
        `<a id="${anchor(rule)}"></a>`,
        `### ${rule.id} ${rule.name}: ${rule.title}`,
        '',
        `- **Level:** ${rule.level}`,
        `- **Applies to:** ${rule.resourceTypes.map((type) => (type === '*' ? 'every resource (stack-level check)' : `\`${type}\``)).join(', ')}`,
        `- **Diktat:** "${rule.diktat}"`,
        `- **Why:** ${rule.rationale}`,
        `- **Fix:** ${rule.fix}`,
        `- **Acknowledge:** \`Validations.of(construct).acknowledge({ id: '${acknowledgementId(rule.id)}', reason: '...' })\``,
        '',
      );
    }
  }
  return lines.join('\n');
}

/** The HTML anchor reports link to: `docs/RULES.md#bis-sf1`. */
function anchor(rule: BisRule): string {
  return rule.id.toLowerCase();
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
