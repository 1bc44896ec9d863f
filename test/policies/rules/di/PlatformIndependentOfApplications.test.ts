import { type App, Fn, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BisRole, type BisRoleName } from '../../../../lib/roles';
import { AppIndex, indexTemplates } from '../../../../policies/engine/app-index';
import rule from '../../../../policies/rules/di/PlatformIndependentOfApplications';
import { testApp, verdictOf } from '../../harness';

function stacks(otherRole: BisRoleName = 'application') {
  const app = testApp();
  const other = new Stack(app, 'Other');
  BisRole.of(other).set(otherRole);
  const lake = new Stack(app, 'Lake');
  BisRole.of(lake).set('data-platform');
  const raw = new s3.Bucket(lake, 'Raw', { versioned: true });
  return { app, other, lake, raw };
}

/** Every finding of this rule in the app (DI runs here directly, whatever the pack's rule list). */
function findingsOf(app: App) {
  app.synth();
  const index = AppIndex.fromConstructTree(app);
  return index.resources
    .filter((resource) => !index.isMachinery(resource))
    .flatMap((resource) => {
      const verdict = rule.check(resource, index);
      return verdict.kind === 'non-compliant' ? [{ path: resource.path, message: verdict.message }] : [];
    });
}

describe('BIS-DI2 PlatformIndependentOfApplications', () => {
  test('a platform resource that uses an application value is an error on that resource, and only there', () => {
    const { app, other, lake } = stacks();
    const topic = new sns.Topic(other, 'Orders');
    new ssm.StringParameter(lake, 'OrdersTopic', { stringValue: topic.topicArn });
    const findings = findingsOf(app);
    expect(findings).toEqual([
      {
        path: 'Lake/OrdersTopic/Resource',
        message: expect.stringMatching(
          /imports 'Other:ExportsOutputRefOrders\w+' \(Value\) exported by application stack Other/,
        ),
      },
    ]);
  });

  test('an explicit dependency on an application stack is an error on the stack anchor naming the application', () => {
    const { other, lake, raw } = stacks();
    new sns.Topic(other, 'Orders');
    lake.addStackDependency(other);
    expect(verdictOf(rule, raw)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('the data-platform stack Lake depends on application stack Other'),
    });
  });

  test('the platform may depend on and import from an infrastructure stack', () => {
    const { app, other, lake } = stacks('infrastructure');
    const alarms = new sns.Topic(other, 'Alarms');
    new ssm.StringParameter(lake, 'AlarmTopic', { stringValue: alarms.topicArn });
    lake.addStackDependency(other);
    expect(findingsOf(app)).toEqual([]);
  });

  test('imports whose export cannot be attributed to an application are not findings', () => {
    const { other, raw, lake } = stacks();
    new sns.Topic(other, 'Orders');
    const computed = new ssm.CfnParameter(lake, 'Computed', {
      type: 'String',
      value: Fn.importValue(Fn.sub('${AWS::StackName}-topic')),
    });
    const external = new ssm.CfnParameter(lake, 'External', {
      type: 'String',
      value: Fn.importValue('SharedTopicArn'),
    });
    expect(verdictOf(rule, computed).kind).toBe('compliant');
    expect(verdictOf(rule, external).kind).toBe('compliant');
    expect(verdictOf(rule, raw).kind).toBe('compliant');
  });

  test("application stacks are not this rule's business", () => {
    const { other } = stacks();
    expect(verdictOf(rule, new sns.Topic(other, 'Orders')).kind).toBe('not-applicable');
  });

  test('scanned templates: a SAM function of the platform importing an application export is an error', () => {
    const index = indexTemplates([
      {
        path: 'app.json',
        role: 'application',
        template: {
          Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
          Outputs: { T: { Value: { Ref: 'Topic' }, Export: { Name: 'OrdersTopicArn' } } },
        },
      },
      {
        path: 'lake.json',
        role: 'data-platform',
        template: {
          Resources: {
            Ingest: {
              Type: 'AWS::Serverless::Function',
              Properties: {
                Environment: { Variables: { TOPIC_ARN: { 'Fn::ImportValue': 'OrdersTopicArn' } } },
              },
            },
          },
        },
      },
    ]);
    const ingest = index.resources.find((resource) => resource.logicalId === 'Ingest')!;
    expect(rule.check(ingest, index)).toEqual({
      kind: 'non-compliant',
      message:
        "The data platform depends on an application: imports 'OrdersTopicArn' (Environment.Variables.TOPIC_ARN) exported by application stack app.json. Remove the dependency; applications read the platform's contract, never the reverse.",
    });
  });

  test('malformed imports never throw and prove nothing', () => {
    const index = indexTemplates([
      {
        path: 'lake.json',
        role: 'data-platform',
        template: {
          Resources: {
            Odd: {
              Type: 'AWS::SSM::Parameter',
              Properties: {
                Value: [{ 'Fn::ImportValue': { 'Fn::Sub': 'x' } }, { 'Fn::ImportValue': null }],
                Type: 7,
              },
            },
          },
        },
      },
    ]);
    expect(rule.check(index.resources[0], index).kind).toBe('compliant');
  });
});
