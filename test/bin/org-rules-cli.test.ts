import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/*
 * `cdk-bis scan --rules`, `cdk-bis rules` and `scan --data-platform-stacks`, as users run them: the
 * built CLI in a child process, org rules in modules of their own (CommonJS and ESM) that import
 * the built `cdk-bis/rules` entry. `npm test` builds before jest runs.
 */
const DIST = join(__dirname, '..', '..', 'dist');
const CLI = join(DIST, 'bin', 'cdk-bis.js');
const RULES_API = JSON.stringify(join(DIST, 'policies', 'rules-api.js'));

function cdkBis(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-bis-org-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const RULE_SOURCE = `{
  id: 'ACME-1',
  title: 'Bucket names start with acme-',
  rationale: 'Our SCP only lets roles reach acme-* buckets.',
  fix: 'Name the bucket acme-<purpose>.',
  level: 'error',
  resourceTypes: ['AWS::S3::Bucket'],
}, (bucket) => String(bucket.properties.BucketName).startsWith('acme-') ? COMPLIANT : nonCompliant('BucketName does not start with acme-.')`;

const CJS_MODULE = `const { defineRule, nonCompliant, COMPLIANT } = require(${RULES_API});
module.exports = [defineRule(__filename, ${RULE_SOURCE})];`;

const ESM_MODULE = `import { defineRule, nonCompliant, COMPLIANT } from ${RULES_API};
export default [defineRule('/org/acme-buckets.mjs', ${RULE_SOURCE})];`;

const NAMED_EXPORT_MODULE = `const { defineRule, nonCompliant, COMPLIANT } = require(${RULES_API});
exports.rules = [defineRule(__filename, ${RULE_SOURCE})];`;

const bucketTemplate = (name: string, suppress = false) =>
  JSON.stringify({
    Resources: {
      Uploads: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketName: name },
        ...(suppress
          ? { Metadata: { cdk_nag: { rules_to_suppress: [{ id: 'ACME-1', reason: 'legacy bucket' }] } } }
          : {}),
      },
    },
  });

/** The org-rule lines of a scan's JSON report. */
function acmeFindings(stdout: string): { ruleId: string; acknowledgement?: unknown }[] {
  const report = JSON.parse(stdout) as { findings: { ruleId: string; acknowledgement?: unknown }[] };
  return report.findings.filter((finding) => finding.ruleId.startsWith('ACME-'));
}

describe('cdk-bis scan --rules', () => {
  test.each([
    ['a CommonJS module.exports list', 'org-rules.js', CJS_MODULE],
    ['an ESM default export', 'org-rules.mjs', ESM_MODULE],
    ['a rules export', 'org-rules.cjs', NAMED_EXPORT_MODULE],
  ])('runs the org rules of %s on templates', (_kind, file, source) => {
    const dir = workspace({ [file]: source, 'shop.template.json': bucketTemplate('shop-uploads') });
    const result = cdkBis(['scan', 'shop.template.json', '--rules', `./${file}`, '--format', 'json'], dir);
    expect(result.status).toBe(1);
    expect(acmeFindings(result.stdout)).toEqual([
      expect.objectContaining({ ruleId: 'ACME-1', severity: 'error' }),
    ]);
  });

  test('a template acknowledges an org finding with cdk_nag rules_to_suppress', () => {
    const dir = workspace({ 'org-rules.js': CJS_MODULE, 'shop.template.json': bucketTemplate('shop', true) });
    const result = cdkBis(['scan', 'shop.template.json', '--rules', 'org-rules.js', '--format', 'json'], dir);
    expect(acmeFindings(result.stdout)).toEqual([
      expect.objectContaining({ ruleId: 'ACME-1', acknowledgement: { reason: 'legacy bucket' } }),
    ]);
  });

  test('a compliant template has no org finding, and the report still describes the org rule', () => {
    const dir = workspace({ 'org-rules.js': CJS_MODULE, 'shop.template.json': bucketTemplate('acme-shop') });
    const result = cdkBis(
      ['scan', 'shop.template.json', '--rules', 'org-rules.js', '--format', 'sarif'],
      dir,
    );
    const sarif = JSON.parse(result.stdout) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string }[] }[];
    };
    expect(sarif.runs[0].results.map((r) => r.ruleId)).not.toContain('ACME-1');
    expect(sarif.runs[0].tool.driver.rules.map((r) => r.id)).toContain('ACME-1');
  });

  test.each([
    ['a missing file', {}, '--rules missing.js: no such file'],
    [
      'a module that throws',
      { 'bad.js': "throw new Error('no config for ACME');" },
      '--rules bad.js: the module failed to load: no config for ACME',
    ],
    ['a syntax error', { 'bad.js': 'module.exports = [' }, '--rules bad.js: the module failed to load:'],
    [
      'no list of rules',
      { 'bad.js': 'module.exports = { rule: 1 };' },
      '--rules bad.js: the module exports no list of rules',
    ],
    [
      'a malformed rule ID',
      { 'bad.js': CJS_MODULE.replace("id: 'ACME-1'", "id: 'acme_1'") },
      '--rules bad.js: the module failed to load: Rule ID "acme_1" is not a valid org rule ID',
    ],
    [
      'a duplicate rule ID',
      {
        'bad.js': CJS_MODULE.replace(
          'module.exports = [',
          'module.exports = [defineRule(__filename, ' + RULE_SOURCE + '), ',
        ),
      },
      '--rules bad.js: rules: rule ID ACME-1 is defined twice',
    ],
  ])('%s is exit 2 with one line naming the file', (_kind, files, expected) => {
    const file = Object.keys(files)[0] ?? 'missing.js';
    const dir = workspace({ ...files, 'shop.template.json': bucketTemplate('shop') });
    const result = cdkBis(['scan', 'shop.template.json', '--rules', file], dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cdk-bis: ${expected}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cdk-bis rules', () => {
  test('prints the catalogue of docs/RULES.md, with the org rules of --rules after the BIS rules', () => {
    const dir = workspace({ 'org-rules.js': CJS_MODULE });
    const plain = cdkBis(['rules'], dir);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('### BIS-SF1 ');
    expect(plain.stdout).not.toContain('ACME-1');
    const withOrg = cdkBis(['rules', '--rules', 'org-rules.js', '--format', 'markdown'], dir);
    expect(withOrg.stdout).toContain('## ACME: org rules');
    expect(withOrg.stdout).toContain('### ACME-1 org-rules: Bucket names start with acme-');
    expect(withOrg.stdout.indexOf('### BIS-AV1')).toBeLessThan(withOrg.stdout.indexOf('### ACME-1'));
  });

  test('--format json gives every rule with its metadata', () => {
    const dir = workspace({ 'org-rules.js': CJS_MODULE });
    const result = cdkBis(['rules', '--rules', 'org-rules.js', '--format', 'json'], dir);
    const { rules } = JSON.parse(result.stdout) as { rules: { id: string; family: string }[] };
    expect(rules.find((rule) => rule.id === 'BIS-CO10')).toMatchObject({ family: 'CO' });
    expect(rules.at(-1)).toMatchObject({ id: 'ACME-1', family: 'org' });
  });

  test('an unknown format is exit 2 naming the allowed ones', () => {
    const result = cdkBis(['rules', '--format', 'sarif'], workspace({}));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cdk-bis: --format sarif: rules prints markdown or json');
  });
});

describe('cdk-bis scan --data-platform-stacks', () => {
  const platformTemplate = JSON.stringify({
    Metadata: { 'bis:role': 'data-platform' },
    Resources: { Store: { Type: 'AWS::SQS::Queue', Properties: {} } },
  });

  test('a template declaring data-platform that is not listed is a BIS-DI5 error; a listed one passes', () => {
    const dir = workspace({
      'DataLake.template.json': platformTemplate,
      'Shop.template.json': platformTemplate,
    });
    const result = cdkBis(['scan', '.', '--data-platform-stacks', 'Data*,Orders', '--format', 'json'], dir);
    const report = JSON.parse(result.stdout) as {
      findings: { ruleId: string; stack: string; message: string }[];
    };
    const di5 = report.findings.filter((finding) => finding.ruleId === 'BIS-DI5');
    expect(di5).toEqual([
      expect.objectContaining({
        stack: 'Shop.template.json',
        message: expect.stringContaining('dataPlatformStacks: Data*, Orders'),
      }),
    ]);
    expect(result.status).toBe(1);
  });

  test('without the option every declaration is trusted', () => {
    const dir = workspace({ 'Shop.template.json': platformTemplate });
    const result = cdkBis(['scan', '.', '--format', 'json'], dir);
    const report = JSON.parse(result.stdout) as { findings: { ruleId: string }[] };
    expect(report.findings.map((finding) => finding.ruleId)).not.toContain('BIS-DI5');
  });

  test('an empty name in the list is exit 2', () => {
    const result = cdkBis(
      ['scan', '.', '--data-platform-stacks', 'DataLake,,'],
      workspace({ 'a.template.json': platformTemplate }),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'cdk-bis: --data-platform-stacks "DataLake,,": give stack names or paths separated by commas',
    );
  });

  test('an unknown --role is exit 2 naming the allowed roles', () => {
    const result = cdkBis(
      ['scan', '.', '--role', 'data_platform'],
      workspace({ 'a.template.json': platformTemplate }),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'cdk-bis: --role data_platform: unknown role; use one of data-platform, infrastructure, application',
    );
  });

  test('--rules and --data-platform-stacks do not apply to report', () => {
    const dir = workspace({});
    expect(cdkBis(['report', '--data-platform-stacks', 'A'], dir).stderr).toContain(
      '--data-platform-stacks applies to scan only',
    );
    expect(cdkBis(['report', '--rules', 'x.js'], dir).stderr).toContain('--rules applies to scan and rules');
  });
});
