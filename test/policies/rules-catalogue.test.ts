import { readdirSync, readFileSync, statSync } from 'fs';
import { join, parse } from 'path';
import { FAMILIES } from '../../policies/rule';
import { ALL_RULES } from '../../policies/rules';
import { renderRulesDoc } from '../../policies/rules-doc';

const rulesDir = join(__dirname, '..', '..', 'policies', 'rules');

/** Rule files: every .ts file in a family folder that calls defineRule. */
function ruleFiles(): { family: string; name: string }[] {
  const files: { family: string; name: string }[] = [];
  for (const family of readdirSync(rulesDir)) {
    const dir = join(rulesDir, family);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.ts') && readFileSync(join(dir, file), 'utf8').includes('defineRule(')) {
        files.push({ family, name: parse(file).name });
      }
    }
  }
  return files;
}

describe('the rule catalogue', () => {
  test('every rule file is registered in the pack, and nothing else is', () => {
    const registered = ALL_RULES.map((rule) => `${rule.family.toLowerCase()}/${rule.name}`).sort();
    expect(registered).toEqual(
      ruleFiles()
        .map((file) => `${file.family}/${file.name}`)
        .sort(),
    );
  });

  test('rule IDs are unique and follow BIS-<FAMILY><n>, in the folder of their family', () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(new RegExp(`^BIS-${rule.family}[1-9][0-9]*$`));
      expect(Object.keys(FAMILIES)).toContain(rule.family);
    }
  });

  test('every rule documents its diktat, rationale, fix and resource types', () => {
    for (const rule of ALL_RULES) {
      for (const field of [rule.title, rule.diktat, rule.rationale, rule.fix]) {
        expect(field.trim().length).toBeGreaterThan(10);
      }
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
      for (const type of rule.resourceTypes)
        expect(type).toMatch(/^(\*|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)$/);
    }
  });

  test('the pack covers every diktat family with at least 35 rules', () => {
    expect(ALL_RULES.length).toBeGreaterThanOrEqual(35);
    expect(new Set(ALL_RULES.map((rule) => rule.family))).toEqual(new Set(Object.keys(FAMILIES)));
  });

  test('docs/RULES.md is generated from the current rules (run `npm run docs` if this fails)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'RULES.md'), 'utf8');
    expect(committed).toBe(renderRulesDoc(ALL_RULES));
  });
});
