import { Stack, Validations } from 'aws-cdk-lib';
import { readFileSync } from 'fs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisRole } from '../../lib/roles';
import { BisChecks } from '../../policies/bis-checks';
import { ALL_RULES } from '../../policies/rules';
import { testApp } from './harness';

/*
 * What a CI pipeline sees: BisChecks registered with Validations.of(app), then `app.synth()`.
 * Under jest CDK runs "in memory" and throws the report instead of setting the exit code.
 */
const ONLY_AV2_AND_AV4 = ALL_RULES.map((rule) => rule.id).filter(
  (id) => id !== 'BIS-AV2' && id !== 'BIS-AV4',
);

function gatedApp(props: ConstructorParameters<typeof BisChecks>[1] = {}) {
  const app = testApp();
  Validations.of(app).addPlugins(new BisChecks(app, { disable: ONLY_AV2_AND_AV4, ...props }));
  const lake = new Stack(app, 'Lake');
  BisRole.of(lake).set('data-platform');
  return { app, lake };
}

test('an error fails synth with the rule ID, construct path, source line and how to acknowledge', () => {
  const { app, lake } = gatedApp();
  new s3.Bucket(lake, 'Raw'); // the line the report must point at
  let message = '';
  try {
    app.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('[BIS-AV2]');
  expect(message).toContain('Lake/Raw/Resource');
  expect(message).toMatch(/synth-gate\.test\.ts:28:/);
  expect(message).toContain("Acknowledge with 'BIS::BIS-AV2'");
});

test('warnings alone let synth succeed and are still written to the report', () => {
  const { app, lake } = gatedApp();
  new s3.Bucket(lake, 'Raw', { versioned: true });
  new sqs.Queue(lake, 'Events');
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8'));
  const bis = report.pluginReports.find((plugin: { pluginName: string }) => plugin.pluginName === 'BIS');
  expect(bis.violations.map((v: { ruleName: string; severity: string }) => [v.ruleName, v.severity])).toEqual(
    [['BIS-AV4', 'warning']],
  );
});

test("failOn: 'warning' makes the same warnings fail synth", () => {
  const { app, lake } = gatedApp({ failOn: 'warning' });
  new s3.Bucket(lake, 'Raw', { versioned: true });
  new sqs.Queue(lake, 'Events');
  expect(() => app.synth()).toThrow(/BIS-AV4/);
});

test('an acknowledged error no longer fails synth and its reason is in the report', () => {
  const { app, lake } = gatedApp();
  const bucket = new s3.Bucket(lake, 'Raw');
  Validations.of(bucket).acknowledge({
    id: 'BIS::BIS-AV2',
    reason: 'mirror of the records archive, versioned at source',
  });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8'));
  const bis = report.pluginReports.find((plugin: { pluginName: string }) => plugin.pluginName === 'BIS');
  expect(bis.suppressedViolations).toEqual([
    expect.objectContaining({
      ruleName: 'BIS-AV2',
      reason: 'mirror of the records archive, versioned at source',
    }),
  ]);
});
