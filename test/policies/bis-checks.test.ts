import { NestedStack, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { BisRole } from '../../lib/roles';
import { BisChecks } from '../../policies/bis-checks';
import { ALL_RULES } from '../../policies/rules';
import { evaluateApp, findingsFor, testApp } from './harness';

/** A data-platform stack with one unversioned bucket (BIS-AV2, error) and one queue without DLQ (BIS-AV4, warning). */
function appWithOneErrorAndOneWarning() {
  const app = testApp();
  const lake = new Stack(app, 'Lake');
  BisRole.of(lake).set('data-platform');
  const bucket = new s3.Bucket(lake, 'Raw');
  const queue = new sqs.Queue(lake, 'Events');
  return { app, lake, bucket, queue };
}

/** Configuration tests look at two rules only: switch the other rules off, with the same `disable` users have. */
const OTHER_RULES = ALL_RULES.map((rule) => rule.id).filter((id) => id !== 'BIS-AV2' && id !== 'BIS-AV4');

function synthesizedReport(app: ReturnType<typeof testApp>, checks: BisChecks) {
  app.synth();
  return checks.validateScope(app);
}

describe('BisChecks configuration', () => {
  test('an unknown rule ID in disable is an error that names the ID', () => {
    expect(() => new BisChecks(undefined, { disable: ['BIS-SF1', 'BIS-XX9'] })).toThrow(
      /unknown rule ID in disable: BIS-XX9/,
    );
  });

  test('an unknown rule ID in levels is an error that names the ID', () => {
    expect(() => new BisChecks(undefined, { levels: { 'BIS-AV99': 'info' } })).toThrow(/levels: BIS-AV99/);
  });

  test('a level that is not error, warning or info is an error', () => {
    expect(() => new BisChecks(undefined, { levels: { 'BIS-AV2': 'fatal' as never } })).toThrow(
      /levels\['BIS-AV2'\] is "fatal"/,
    );
  });

  test('failOn accepts only error or warning', () => {
    expect(() => new BisChecks(undefined, { failOn: 'info' as never })).toThrow(
      /failOn must be 'error' or 'warning'/,
    );
  });

  test('a rule ID in the wrong case or without its prefix gets a "did you mean"', () => {
    expect(() => new BisChecks(undefined, { disable: ['bis-co8'] })).toThrow(
      /bis-co8\. Did you mean BIS-CO8\?/,
    );
    expect(() => new BisChecks(undefined, { levels: { CO8: 'error' } })).toThrow(/Did you mean BIS-CO8\?/);
  });

  test('disable given as a string, not a list, is an error that shows the list form', () => {
    expect(() => new BisChecks(undefined, { disable: 'BIS-CO8' as never })).toThrow(
      /disable must be a list of rule IDs, e.g. \['BIS-CO8'\], not "BIS-CO8"/,
    );
  });

  test('a rule both disabled and given a level is an error', () => {
    expect(() => new BisChecks(undefined, { disable: ['BIS-CO8'], levels: { 'BIS-CO8': 'error' } })).toThrow(
      /BIS-CO8 is both disabled and given a level/,
    );
  });

  test('an empty list of cost-allocation tag keys is an error, not a silent BIS-CO9 off', () => {
    expect(() => new BisChecks(undefined, { costAllocationTagKeys: [] })).toThrow(
      /costAllocationTagKeys is empty.*disable: \['BIS-CO9'\]/,
    );
  });

  test('empty cost-allocation tag keys are rejected', () => {
    expect(() => new BisChecks(undefined, { costAllocationTagKeys: [' '] })).toThrow(/costAllocationTagKeys/);
  });

  test('a disabled rule does not run', () => {
    const { app } = appWithOneErrorAndOneWarning();
    const report = synthesizedReport(app, new BisChecks(undefined, { disable: [...OTHER_RULES, 'BIS-AV2'] }));
    expect(report.violations.map((v) => v.ruleName)).not.toContain('BIS-AV2');
    expect(report.success).toBe(true);
  });

  test('levels override a rule level in both directions', () => {
    const { app } = appWithOneErrorAndOneWarning();
    const report = synthesizedReport(
      app,
      new BisChecks(undefined, { disable: OTHER_RULES, levels: { 'BIS-AV2': 'info', 'BIS-AV4': 'error' } }),
    );
    const severities = Object.fromEntries(report.violations.map((v) => [v.ruleName, v.severity]));
    expect(severities).toMatchObject({ 'BIS-AV2': 'info', 'BIS-AV4': 'error' });
    expect(report.success).toBe(false);
  });
});

describe('BisChecks verdicts', () => {
  test('an error fails, and the violation names the rule, the resource and how to acknowledge', () => {
    const { app } = appWithOneErrorAndOneWarning();
    const report = synthesizedReport(app, new BisChecks(undefined, { disable: OTHER_RULES }));
    expect(report.success).toBe(false);
    const versioning = report.violations.find((v) => v.ruleName === 'BIS-AV2');
    expect(versioning).toMatchObject({
      severity: 'error',
      description: expect.stringContaining('[BIS-AV2]'),
      fix: expect.stringContaining("acknowledge({ id: 'BIS::BIS-AV2'"),
      violatingResources: [{ constructPath: 'Lake/Raw/Resource', locations: ['Properties'] }],
    });
  });

  test('warnings alone never fail synth by default', () => {
    const { app } = appWithOneErrorAndOneWarning();
    const report = synthesizedReport(app, new BisChecks(undefined, { disable: [...OTHER_RULES, 'BIS-AV2'] }));
    expect(report.violations.map((v) => [v.ruleName, v.severity])).toContainEqual(['BIS-AV4', 'warning']);
    expect(report.success).toBe(true);
  });

  test("failOn: 'warning' promotes warnings to errors and fails", () => {
    const { app } = appWithOneErrorAndOneWarning();
    const report = synthesizedReport(
      app,
      new BisChecks(undefined, { disable: [...OTHER_RULES, 'BIS-AV2'], failOn: 'warning' }),
    );
    expect(report.violations.find((v) => v.ruleName === 'BIS-AV4')?.severity).toBe('error');
    expect(report.success).toBe(false);
  });

  test('an acknowledged finding carries its reason and no longer fails', () => {
    const { app, bucket } = appWithOneErrorAndOneWarning();
    Validations.of(bucket).acknowledge({ id: 'BIS::BIS-AV2', reason: 'replica of an external archive' });
    const findings = evaluateApp(app);
    expect(findings.find((f) => f.rule.id === 'BIS-AV2')?.acknowledgedReason).toBe(
      'replica of an external archive',
    );
    const report = new BisChecks(undefined, { disable: OTHER_RULES }).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).not.toContain('BIS-AV2');
    expect(report.success).toBe(true);
  });

  test('an acknowledgement on a parent construct covers the resources below it', () => {
    const { app, lake } = appWithOneErrorAndOneWarning();
    Validations.of(lake).acknowledge({ id: 'BIS::BIS-AV2', reason: 'legacy lake, migration ticket LAKE-12' });
    expect(evaluateApp(app).filter((f) => f.rule.id === 'BIS-AV2' && !f.acknowledgedReason)).toEqual([]);
  });

  test('stacks inside stages and nested stacks are checked', () => {
    const app = testApp();
    const stage = new Stage(app, 'Prod');
    const lake = new Stack(stage, 'Lake');
    BisRole.of(lake).set('data-platform');
    const nested = new NestedStack(lake, 'Archive');
    new s3.Bucket(nested, 'Cold');
    const paths = findingsFor(evaluateApp(app), 'BIS-AV2').map((f) => f.path);
    expect(paths).toEqual(['Prod/Lake/Archive/Cold/Resource']);
  });

  test("a stack-level finding on a nested stack names it as CloudFormation will: '<parent>-<its stack resource>'", () => {
    const app = testApp();
    const parent = new Stack(app, 'Parent');
    const inner = new NestedStack(parent, 'Inner');
    new sqs.Queue(inner, 'Work');
    const nestedResource = parent.resolve(inner.nestedStackResource!.logicalId) as string;
    for (const findings of [evaluateApp(app), (app.synth(), new BisChecks().evaluate(app))]) {
      const untagged = findings.find((f) => f.rule.id === 'BIS-CO9' && f.resource.path === 'Parent/Inner')!;
      expect(untagged.resource.logicalId).toBe(`Parent-${nestedResource}`);
      expect(untagged.resource.stack.stackName).toBe(`Parent-${nestedResource}`);
      expect(JSON.stringify(findings.map((f) => [f.resource.logicalId, f.message]))).not.toContain(
        '${Token[',
      );
    }
  });

  test('a nested stack inherits the role of its parent', () => {
    const app = testApp();
    const lake = new Stack(app, 'Lake');
    BisRole.of(lake).set('data-platform');
    expect(BisRole.of(new NestedStack(lake, 'Inner')).role).toBe('data-platform');
    expect(BisRole.of(new Stack(app, 'Untagged')).role).toBe('application');
  });

  test('an unknown role is a clear error', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => BisRole.of(stack).set('database' as never)).toThrow(
      /unknown role. Use one of: data-platform, infrastructure, application/,
    );
  });
});

describe("CDK's own machinery is never judged as application code or data", () => {
  /** An application stack using every CDK feature that brings its own functions, roles and policies. */
  function appWithMachinery() {
    const app = testApp();
    const stack = new Stack(app, 'Web');
    const site = new s3.Bucket(stack, 'Site', {
      autoDeleteObjects: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new s3deploy.BucketDeployment(stack, 'Deploy', {
      sources: [s3deploy.Source.data('index.html', '<h1>hi</h1>')],
      destinationBucket: site,
    });
    new cr.AwsCustomResource(stack, 'Lookup', {
      onCreate: {
        service: 'S3',
        action: 'listBuckets',
        physicalResourceId: cr.PhysicalResourceId.of('buckets'),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    const handler = new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    site.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(handler));
    new cr.Provider(stack, 'Provider', { onEventHandler: handler });
    return app;
  }

  const machinery: [string, RegExp][] = [
    ['custom-resource providers (bucket auto-delete)', /Custom::S3AutoDeleteObjectsCustomResourceProvider/],
    ['BucketDeployment', /Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/],
    ['AwsCustomResource', /AWS679f53fac002430cb0da5b7982bd2287/],
    ['log retention', /LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/],
    ['S3 notifications handler', /BucketNotificationsHandler050a0587b7544547bf325f094a3db834/],
    ['custom-resources Provider framework', /Provider\/framework-onEvent/],
  ];

  const findings = evaluateApp(appWithMachinery());

  test.each(machinery)('%s gets no finding', (_name, pathPattern) => {
    expect(
      findings.filter((f) => pathPattern.test(f.resource.path)).map((f) => `${f.rule.id} ${f.resource.path}`),
    ).toEqual([]);
  });

  test("the application's own function in the same stack is still judged", () => {
    // Proves the rules ran: the user's function meets the function rules the machinery escaped.
    const functionRules = new Set(
      ALL_RULES.filter((r) => r.resourceTypes.includes('AWS::Lambda::Function')).map((r) => r.id),
    );
    const onHandler = findings
      .filter((f) => f.resource.path === 'Web/Handler/Resource')
      .map((f) => f.rule.id);
    expect(onHandler.some((id) => functionRules.has(id))).toBe(true);
  });
});
