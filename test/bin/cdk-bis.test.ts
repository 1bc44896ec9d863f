import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/*
 * The CLI as users run it: the built `dist/bin/cdk-bis.js` in a child process. `npm test` builds
 * before jest runs. Every bad input gives exit 2 and one line on stderr, never a stack trace.
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
  const dir = mkdtempSync(join(tmpdir(), 'cdk-bis-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** An application template that passes every BIS error rule: a Lambda function URL behind nothing else. */
const CLEAN_APP = JSON.stringify({
  Resources: {
    Handler: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::123456789012:role/handler',
        Code: { ZipFile: 'exports.handler = async () => ({ statusCode: 200 })' },
      },
    },
    Url: {
      Type: 'AWS::Lambda::Url',
      Properties: { AuthType: 'AWS_IAM', TargetFunctionArn: { 'Fn::GetAtt': ['Handler', 'Arn'] } },
    },
  },
});

const SSH_OPEN = `Resources:
  Web:
    Type: AWS::Lambda::Url
    Properties:
      AuthType: AWS_IAM
      TargetFunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:web
  Ssh:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
`;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first).`);
});

describe('cdk-bis --help and --version', () => {
  test('--help prints the usage and exits 0', () => {
    const run = cdkBis(['--help'], workspace());
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/cdk-bis scan <file\|dir>/);
    expect(run.stdout).toMatch(/cdk-bis report \[cdk\.out\]/);
  });

  test('--version prints the package version', () => {
    const version = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
    expect(cdkBis(['--version'], workspace())).toMatchObject({ status: 0, stdout: `${version}\n` });
  });
});

describe('usage errors exit 2 with one line', () => {
  test.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /missing command/],
    [['scan'], /scan needs at least one template/],
    [
      ['scan', 'x.json', '--format', 'pdf'],
      /--format pdf: unknown format; use one of text, json, sarif, junit, markdown/,
    ],
    [['scan', 'x.json', '--role', 'database'], /--role database: unknown role/],
    [['scan', 'x.json', '--colour'], /Unknown option '--colour'/],
    [['report', 'a', 'b'], /report takes one cdk.out directory/],
    [
      ['scan', 'x.json', '--format', 'sarif', '--format', 'junit'],
      /--format is given 2 times \(sarif, junit\); give it once/,
    ],
    [['report', '-o', 'a.sarif', '--output', 'b.sarif'], /--output is given 2 times/],
    [
      ['report', '--format', 'junit', '--junit-warnings', 'fail'],
      /--junit-warnings fail: use one of pass, failure/,
    ],
    [['report', '--junit-warnings', 'failure'], /--junit-warnings applies to --format junit only/],
  ])('cdk-bis %j', (args, expected) => {
    const run = cdkBis(args, workspace());
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cdk-bis scan', () => {
  test('a compliant template exits 0', () => {
    const dir = workspace({ 'app.template.json': CLEAN_APP });
    const run = cdkBis(['scan', 'app.template.json', '--format', 'json'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
  });

  test('an error finding exits 1 and names the rule, file and line', () => {
    const dir = workspace({ 'template.yaml': SSH_OPEN });
    const run = cdkBis(['scan', '.'], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/BIS-BA2/);
    // The text format groups findings by file, with the resource's line in its own column.
    expect(run.stdout).toMatch(/^template\.yaml\n\s+error\s+BIS-BA2\s+7\s/m);
  });

  test('--output writes the report to a file, SARIF included', () => {
    const dir = workspace({ 'template.yaml': SSH_OPEN });
    const run = cdkBis(['scan', 'template.yaml', '--format', 'sarif', '--output', 'bis.sarif'], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(join(dir, 'bis.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('BIS-BA2');
  });

  test('an --output directory that does not exist is a usage error', () => {
    const dir = workspace({ 'template.yaml': SSH_OPEN });
    const run = cdkBis(['scan', 'template.yaml', '--output', 'missing/bis.sarif'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--output missing\/bis\.sarif: directory .* does not exist/);
  });

  test.each([
    ['not a template', 'bad.template.json', 'this is not json', /bad\.template\.json:1/],
    ['a YAML error', 'template.yaml', 'Resources:\n  A:\n    Type: [unclosed\n', /template\.yaml:\d+/],
    [
      'no Resources section',
      'empty.cfn.yaml',
      'AWSTemplateFormatVersion: "2010-09-09"\n',
      /empty\.cfn\.yaml.*Resources/,
    ],
    [
      'an unknown resource type',
      'typo.cfn.yaml',
      'Resources:\n  Raw:\n    Type: AWS::S3::Buckt\n',
      /typo\.cfn\.yaml:2: unknown resource type AWS::S3::Buckt \(logical ID Raw\)/,
    ],
  ])(
    '%s: exit 2 with file and line, and the other files are still scanned',
    (_case, name, content, expected) => {
      const dir = workspace({ [name]: content, 'good/template.yaml': SSH_OPEN });
      const run = cdkBis(['scan', name, 'good'], dir);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(expected);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toMatch(/BIS-BA2/);
    },
  );

  test('a missing file and an empty directory are input errors', () => {
    const dir = workspace({ 'good/template.yaml': SSH_OPEN });
    mkdirSync(join(dir, 'empty'));
    const run = cdkBis(['scan', 'nope.json', 'empty', 'good'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/nope\.json/);
    expect(run.stderr).toMatch(/empty.*no templates/);
    expect(run.stdout).toMatch(/BIS-BA2/);
  });

  test('a template with zero resources is fine', () => {
    const dir = workspace({ 'none.cfn.json': '{ "Resources": {} }' });
    expect(cdkBis(['scan', 'none.cfn.json'], dir).status).toBe(0);
  });
});

describe('cdk-bis report', () => {
  test('a missing cdk.out is an input error naming the file', () => {
    const run = cdkBis(['report', 'cdk.out'], workspace());
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cdk\.out/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('the validation-report.json itself is read as its cdk.out folder', () => {
    const report = JSON.stringify({ version: '1', pluginReports: [] });
    const dir = workspace({ 'cdk.out/validation-report.json': report, 'package.json': '{}' });
    const byFolder = cdkBis(['report', 'cdk.out', '--format', 'json'], dir);
    const byFile = cdkBis(['report', 'cdk.out/validation-report.json', '--format', 'json'], dir);
    expect(byFolder.status).toBe(0);
    expect(byFile).toEqual(byFolder);
  });

  test('another file is not taken for a cdk.out folder', () => {
    const run = cdkBis(['report', 'package.json'], workspace({ 'package.json': '{}' }));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /report package\.json: not a cdk\.out folder; give the folder or its validation-report\.json/,
    );
  });

  test('a corrupt validation report is an input error naming the file', () => {
    const dir = workspace({ 'cdk.out/validation-report.json': '{ "pluginReports": [ truncated' });
    const run = cdkBis(['report'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/validation-report\.json/);
  });
});
