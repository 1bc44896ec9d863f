import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { baselineEntryOf, renderBaseline } from '../../policies/baseline';

/*
 * `cdk-bis baseline`, and `--baseline` on report and scan, as users run them: the built CLI in a
 * child process, on hand-written validation reports in a temporary directory.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'cdk-bis.js');

function cdkBis(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-bis-cli-baseline-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A validation report of BIS errors on `paths`, plus an acknowledged one and another plugin's. */
function validationReport(paths: readonly string[]): string {
  const violation = (ruleName: string, constructPaths: readonly string[]) => ({
    ruleName,
    description: `[${ruleName}] a finding`,
    severity: 'error',
    violatingConstructs: constructPaths.map((constructPath) => ({ constructPath })),
  });
  return JSON.stringify({
    version: '55.0.0',
    pluginReports: [
      {
        pluginName: 'BIS',
        conclusion: 'failure',
        violations: [violation('BIS-DI1', paths), violation('BIS-BA1', ['Shop'])],
        suppressedViolations: [{ ...violation('BIS-AV4', ['Shop/Jobs/Resource']), reason: 'retried' }],
      },
      {
        pluginName: 'AwsSolutions',
        conclusion: 'failure',
        violations: [violation('AwsSolutions-S1', paths)],
      },
    ],
  });
}

const SHOP = validationReport(['Shop/Uploads/Resource', 'Shop/Archive/Resource']);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first).`);
});

describe('cdk-bis baseline', () => {
  test('writes every open BIS finding, sorted, with a version and a final newline, the same on every run', () => {
    const dir = workspace({ 'cdk.out/validation-report.json': SHOP });
    const run = cdkBis(['baseline'], dir);
    expect(run).toMatchObject({ status: 0, stdout: 'cdk-bis: wrote 3 findings to bis-baseline.json\n' });
    const text = readFileSync(join(dir, 'bis-baseline.json'), 'utf8');
    const entry = (ruleId: string, resourcePath: string) =>
      baselineEntryOf({ plugin: 'BIS', ruleId, stack: 'Shop', resourcePath });
    expect(text).toBe(
      renderBaseline([
        entry('BIS-BA1', 'Shop'),
        entry('BIS-DI1', 'Shop/Archive/Resource'),
        entry('BIS-DI1', 'Shop/Uploads/Resource'),
      ]),
    );
    expect(text).toMatch(/^\{\n {2}"version": 1,\n {2}"findings": \[\n/);
    expect(cdkBis(['baseline', 'cdk.out', '--output', 'again.json'], dir).status).toBe(0);
    expect(readFileSync(join(dir, 'again.json'), 'utf8')).toBe(text);
  });

  test('report exits 1 on the errors, and 0 once they are in the baseline; a new error still fails', () => {
    const dir = workspace({ 'cdk.out/validation-report.json': SHOP });
    expect(cdkBis(['baseline'], dir).status).toBe(0);
    expect(cdkBis(['report', '--format', 'text'], dir).status).toBe(1);
    const held = cdkBis(['report', '--format', 'sarif', '--baseline', 'bis-baseline.json'], dir);
    // AwsSolutions' errors are not BIS findings: the baseline does not hold them.
    const sarif = JSON.parse(held.stdout);
    const bis = sarif.runs[0].results.filter((result: { ruleId: string }) =>
      result.ruleId.startsWith('BIS-'),
    );
    expect(bis.filter((r: { suppressions?: unknown }) => r.suppressions === undefined)).toEqual([]);
    expect(bis.find((r: { ruleId: string }) => r.ruleId === 'BIS-DI1').suppressions).toEqual([
      { kind: 'external', justification: 'in baseline' },
    ]);
    const bisOnly = workspace({
      'cdk.out/validation-report.json': JSON.stringify({
        pluginReports: [JSON.parse(SHOP).pluginReports[0]],
      }),
      'bis-baseline.json': readFileSync(join(dir, 'bis-baseline.json'), 'utf8'),
    });
    expect(cdkBis(['report', '--baseline', 'bis-baseline.json'], bisOnly).status).toBe(0);
    writeFileSync(
      join(bisOnly, 'cdk.out/validation-report.json'),
      JSON.stringify({
        pluginReports: [
          JSON.parse(
            validationReport(['Shop/Uploads/Resource', 'Shop/Archive/Resource', 'Shop/New/Resource']),
          ).pluginReports[0],
        ],
      }),
    );
    const fresh = cdkBis(['report', '--format', 'text', '--baseline', 'bis-baseline.json'], bisOnly);
    expect(fresh.status).toBe(1);
    expect(fresh.stdout).toContain('Shop/New/Resource');
    expect(fresh.stdout).toContain('3 findings in baseline bis-baseline.json: reported, not failing.');
  });

  test('a renamed construct fails as new, its old entry is "fixed", and --prune removes it without adding the new one', () => {
    const dir = workspace({ 'cdk.out/validation-report.json': SHOP });
    expect(cdkBis(['baseline'], dir).status).toBe(0);
    writeFileSync(
      join(dir, 'cdk.out/validation-report.json'),
      validationReport(['Shop/Files/Resource', 'Shop/Archive/Resource']),
    );
    const renamed = cdkBis(['report', '--format', 'text', '--baseline', 'bis-baseline.json'], dir);
    expect(renamed.status).toBe(1);
    expect(renamed.stdout).toContain(
      'note  BIS-DI1 on Shop/Uploads/Resource: fixed; remove from the baseline (npx cdk-bis baseline --prune)',
    );
    const pruned = cdkBis(['baseline', '--prune'], dir);
    expect(pruned).toMatchObject({
      status: 0,
      stdout: 'cdk-bis: removed 1 fixed entry from bis-baseline.json; 2 left\n',
    });
    const paths = JSON.parse(readFileSync(join(dir, 'bis-baseline.json'), 'utf8')).findings.map(
      (entry: { constructPath: string }) => entry.constructPath,
    );
    expect(paths).toEqual(['Shop', 'Shop/Archive/Resource']);
  });

  test('scan --baseline holds a template finding by its file and logical ID', () => {
    const template = JSON.stringify({
      Resources: {
        Web: {
          Type: 'AWS::Lambda::Url',
          Properties: {
            AuthType: 'AWS_IAM',
            TargetFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:web',
          },
        },
        Ssh: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            GroupDescription: 'ssh',
            SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }],
          },
        },
      },
    });
    const dir = workspace({ 'app.template.json': template });
    const scan = JSON.parse(cdkBis(['scan', 'app.template.json', '--format', 'json'], dir).stdout);
    const errors = scan.findings.filter((f: { severity: string }) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'bis-baseline.json'), renderBaseline(errors.map(baselineEntryOf)));
    expect(cdkBis(['scan', 'app.template.json'], dir).status).toBe(1);
    expect(cdkBis(['scan', 'app.template.json', '--baseline', 'bis-baseline.json'], dir).status).toBe(0);
  });
});

describe('a baseline that cannot be used: exit 2 with one line naming the file and the line', () => {
  const entry = baselineEntryOf({
    plugin: 'BIS',
    ruleId: 'BIS-DI1',
    stack: 'Shop',
    resourcePath: 'Shop/Uploads/Resource',
  });
  test.each([
    [
      'a missing file',
      {},
      /^cdk-bis: baseline bis-baseline\.json: no such file; write it with `npx cdk-bis baseline`/,
    ],
    [
      'bad JSON',
      { 'bis-baseline.json': '{\n  "version": 1,\n  "findings": [,]\n}\n' },
      /^cdk-bis: baseline bis-baseline\.json:3:\d+: not valid JSON/,
    ],
    [
      'a wrong field',
      { 'bis-baseline.json': renderBaseline([entry]).replace('"stack": "Shop"', '"stack": null') },
      /^cdk-bis: baseline bis-baseline\.json:4: findings\[0\]\.stack is missing or not a string/,
    ],
  ])('%s', (_name, files, expected) => {
    const dir = workspace({ 'cdk.out/validation-report.json': SHOP, ...files });
    const run = cdkBis(['report', '--baseline', 'bis-baseline.json'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--prune without a baseline file to prune', () => {
    const run = cdkBis(['baseline', '--prune'], workspace({ 'cdk.out/validation-report.json': SHOP }));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cdk-bis: baseline bis-baseline\.json: no such file/);
  });

  test.each([
    [['report', '--prune'], /--prune applies to baseline only/],
    [['baseline', '--format', 'sarif'], /--format does not apply to baseline/],
    [['baseline', 'a', 'b'], /baseline takes one cdk.out directory, not 2/],
    [['baseline'], /cdk\.out: no such directory/],
  ])('cdk-bis %j', (args, expected) => {
    const run = cdkBis(args, workspace());
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

test('--help covers the baseline command and --baseline', () => {
  const run = cdkBis(['--help'], workspace());
  expect(run.stdout).toMatch(/cdk-bis baseline \[cdk\.out\] \[--output FILE\] \[--prune\]/);
  expect(run.stdout).toMatch(/--baseline FILE/);
  expect(run.stdout).toMatch(/in baseline/);
});
