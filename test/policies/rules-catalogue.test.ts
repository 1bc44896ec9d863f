import { readdirSync, readFileSync, statSync } from 'fs';
import { join, parse } from 'path';
import { DIKTATS, FAMILIES, type Family } from '../../policies/rule';
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

  test('every rule states its expectation, cites its family diktat, and says why and how to fix', () => {
    for (const rule of ALL_RULES) {
      // A title is the expectation, as a heading: capitalised, no full stop.
      expect(rule.title).toMatch(/^[A-Z][^\n]*[^.]$/);
      expect(rule.diktat).toBe(DIKTATS[rule.family as Family]);
      // Rationale and fix are sentences a report prints as they are.
      expect(rule.rationale.trim()).toMatch(/^[A-Z`].*[.)]$/s);
      expect(rule.fix.trim()).toMatch(/^[A-Z`].*[.)`]$/s);
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
      for (const type of rule.resourceTypes)
        expect(type).toMatch(/^(\*|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)$/);
    }
  });

  test('the pack holds exactly the released rules, family by family in ID order', () => {
    // IDs never change once released: acknowledgements and baselines depend on them.
    expect(ALL_RULES.map((rule) => rule.id)).toEqual([
      ...['BIS-BA1', 'BIS-BA2', 'BIS-BA3', 'BIS-BA4', 'BIS-BA5'],
      ...['BIS-SF1', 'BIS-SF2', 'BIS-SF3', 'BIS-SF4', 'BIS-SF5'],
      ...['BIS-DI1', 'BIS-DI2', 'BIS-DI3', 'BIS-DI4', 'BIS-DI5'],
      ...['BIS-TR1', 'BIS-TR2', 'BIS-TR3', 'BIS-TR4', 'BIS-TR5', 'BIS-TR6', 'BIS-TR7', 'BIS-TR8', 'BIS-TR9'],
      ...[
        'BIS-CO1',
        'BIS-CO2',
        'BIS-CO3',
        'BIS-CO4',
        'BIS-CO5',
        'BIS-CO6',
        'BIS-CO7',
        'BIS-CO8',
        'BIS-CO9',
        'BIS-CO10',
      ],
      ...['BIS-PO1'],
      ...['BIS-AV1', 'BIS-AV2', 'BIS-AV3', 'BIS-AV4'],
    ]);
    expect(new Set(ALL_RULES.map((rule) => rule.family))).toEqual(new Set(Object.keys(FAMILIES)));
  });

  test('docs/RULES.md is generated from the current rules (run `npm run docs` if this fails)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'RULES.md'), 'utf8');
    expect(committed).toBe(renderRulesDoc(ALL_RULES));
  });

  test("the README's opening counts the rules the pack holds", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme.match(/rule pack of (\d+) rules/)?.[1]).toBe(String(ALL_RULES.length));
  });
});
