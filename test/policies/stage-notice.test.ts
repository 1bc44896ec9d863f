import { Stack, Stage, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BisRole } from '../../lib/roles';
import { BisChecks } from '../../policies/bis-checks';
import { ALL_RULES } from '../../policies/rules';
import { testApp } from './harness';

/*
 * `cdk synth` with no selector hides findings in Stage stacks; synth says so once, on stderr, with how
 * to gate on every stack.
 */
const ONLY_AV2 = ALL_RULES.map((rule) => rule.id).filter((id) => id !== 'BIS-AV2');

function synthCapturingStderr(app: ReturnType<typeof testApp>): { stderr: string; failed: boolean } {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  let failed = false;
  try {
    app.synth();
  } catch {
    failed = true;
  } finally {
    spy.mockRestore();
  }
  return { stderr: written.join(''), failed };
}

function platformStack(scope: Stage, id: string): Stack {
  const stack = new Stack(scope, id);
  BisRole.of(stack).set('data-platform');
  return stack;
}

test('an app with an error in a Stage stack is told, once, how to make CI see it', () => {
  const app = testApp();
  Validations.of(app).addPlugins(new BisChecks(app, { disable: ONLY_AV2 }));
  new s3.Bucket(platformStack(new Stage(app, 'Prod'), 'Lake'), 'Raw');
  platformStack(new Stage(app, 'Test'), 'Lake');
  const { stderr, failed } = synthCapturingStderr(app);
  expect(failed).toBe(true);
  const notices = stderr.split('\n').filter((line) => line.startsWith('BisChecks: this app has'));
  expect(notices).toEqual([
    "BisChecks: this app has 2 stacks inside Stages (Prod/Lake, Test/Lake); 1 BIS error finding is in them. `cdk synth` with no stack selector neither shows nor fails on findings in Stage stacks: gate on `cdk synth '**'`, on the exit status of `npx cdk-bis report cdk.out`, which reads every stack, or set `gateStageStacks: true` in BisChecks.",
  ]);
});

test('an acknowledged error is not counted, and the notice still says how to select Stage stacks', () => {
  const app = testApp();
  Validations.of(app).addPlugins(new BisChecks(app, { disable: ONLY_AV2 }));
  const lake = platformStack(new Stage(app, 'Prod'), 'Lake');
  new s3.Bucket(lake, 'Raw');
  Validations.of(lake).acknowledge({
    id: 'BIS::BIS-AV2',
    reason: 'versioning is enabled by the backup plan',
  });
  const { stderr, failed } = synthCapturingStderr(app);
  expect(failed).toBe(false);
  expect(stderr).toContain('1 stack inside Stages (Prod/Lake); no BIS error finding is in them');
  expect(stderr).toContain("`cdk synth '**'`");
});

test('an app without Stages gets no notice', () => {
  const app = testApp();
  Validations.of(app).addPlugins(new BisChecks(app, { disable: ONLY_AV2 }));
  new s3.Bucket(new Stack(app, 'Lake'), 'Raw', { versioned: true });
  const { stderr } = synthCapturingStderr(app);
  expect(stderr).not.toContain('BisChecks: this app has');
});

describe('gateStageStacks', () => {
  function stageAppReport(props: { gateStageStacks?: boolean }, acknowledged = false) {
    const app = testApp();
    const pack = new BisChecks(app, { disable: ONLY_AV2, ...props });
    Validations.of(app).addPlugins(pack);
    const lake = platformStack(new Stage(app, 'Prod'), 'Lake');
    new s3.Bucket(lake, 'Raw');
    if (acknowledged) Validations.of(lake).acknowledge({ id: 'BIS::BIS-AV2', reason: 'backed up elsewhere' });
    const { stderr } = synthCapturingStderr(app);
    const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      return { stderr, report: pack.validate({ templatePaths: [], appConstruct: app } as never) };
    } finally {
      quiet.mockRestore();
    }
  }

  it('adds one violation that names no construct, so the CDK CLI keeps it whatever stacks it selected', () => {
    const { stderr, report } = stageAppReport({ gateStageStacks: true });
    expect(report.success).toBe(false);
    const gates = report.violations.filter((violation) => violation.ruleName === 'BIS-STAGE-GATE');
    expect(gates).toHaveLength(1);
    expect(gates[0]).toMatchObject({ severity: 'error', violatingResources: [] });
    expect(gates[0].description).toContain('1 BIS error finding is in stacks inside Stages (Prod/Lake)');
    expect(stderr).toContain('gateStageStacks is on');
  });

  it('adds nothing when the Stage stacks hold no unacknowledged error, or when it is off', () => {
    const names = (report: { violations: { ruleName: string }[] }) =>
      report.violations.map((violation) => violation.ruleName);
    expect(names(stageAppReport({ gateStageStacks: true }, true).report)).not.toContain('BIS-STAGE-GATE');
    expect(names(stageAppReport({}).report)).not.toContain('BIS-STAGE-GATE');
  });

  it('refuses a value that is not a boolean, naming the prop', () => {
    expect(() => new BisChecks(testApp(), { gateStageStacks: 'yes' as never })).toThrow(
      'BisChecks: gateStageStacks must be true or false, not "yes".',
    );
  });
});
