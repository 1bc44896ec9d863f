import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readValidationReport } from '../../policies/report';

/*
 * The Stage leak and its opt-in gate, through the real CDK CLI (aws-cdk, a devDependency): plain
 * `cdk synth` selects only top-level stacks and drops the findings of Stage stacks, unless
 * `gateStageStacks` adds the one violation the CLI never filters.
 */
const CDK_CLI = require.resolve('aws-cdk/bin/cdk');
const REGISTER = require.resolve('@swc-node/register');

function stageApp(dir: string, props: string): void {
  writeFileSync(
    join(dir, 'app.ts'),
    `const { App, Stack, Stage, Validations } = require(${JSON.stringify(require.resolve('aws-cdk-lib'))});
const s3 = require(${JSON.stringify(require.resolve('aws-cdk-lib/aws-s3'))});
const { BisChecks } = require(${JSON.stringify(join(__dirname, '../../policies'))});
const { BisRole } = require(${JSON.stringify(join(__dirname, '../../lib/roles'))});
const app = new App();
Validations.of(app).addPlugins(new BisChecks(app, ${props}));
BisRole.of(new Stack(app, 'Shared')).set('infrastructure');
const lake = new Stack(new Stage(app, 'Prod'), 'Lake');
BisRole.of(lake).set('data-platform');
new s3.Bucket(lake, 'Unversioned', { versioned: false });
app.synth();
`,
  );
}

function plainSynth(dir: string): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [CDK_CLI, 'synth', '--quiet', '--no-notices', '--app', `node -r ${REGISTER} app.ts`],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' }, timeout: 240_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stage-gate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('plain `cdk synth` passes an error in a Stage stack (the leak), and says how to gate', () => {
  stageApp(dir, '{}');
  const { status, output } = plainSynth(dir);
  expect(status).toBe(0);
  expect(output).toContain('1 stack inside Stages (Prod/Lake)');
  expect(output).toContain('gateStageStacks: true');
}, 300_000);

test('with gateStageStacks, plain `cdk synth` fails on the same error and names the gate', () => {
  stageApp(dir, '{ gateStageStacks: true }');
  const { status, output } = plainSynth(dir);
  expect(status).not.toBe(0);
  // The CLI lists violations per selected construct, so the notice is what tells the user why it failed.
  expect(output).toContain('gateStageStacks is on');
  expect(output).toContain("see each one with `cdk synth '**'`");
  const report = JSON.parse(readFileSync(join(dir, 'cdk.out', 'validation-report.json'), 'utf8'));
  const gate = report.pluginReports
    .flatMap(
      (plugin: { violations: { ruleName: string; violatingConstructs: unknown[] }[] }) => plugin.violations,
    )
    .find((violation: { ruleName: string }) => violation.ruleName === 'BIS-STAGE-GATE');
  expect(gate.violatingConstructs).toEqual([]);
  // `cdk-bis report` reads every stack itself: the gate is no finding and no rule there.
  const read = readValidationReport(join(dir, 'cdk.out'), { root: dir });
  expect(read.rules.map((rule) => rule.id)).not.toContain('BIS-STAGE-GATE');
  expect(read.findings.filter((finding) => finding.ruleId === 'BIS-AV2')).toHaveLength(1);
}, 300_000);
