import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as triggers from 'aws-cdk-lib/triggers';
import { isCdkMachinery } from '../../../policies/engine/cdk-machinery';
import { evaluateApp, testApp } from '../harness';

/** An application stack with the CDK features that add functions, topics and roles of their own. */
function appWithMachinery() {
  const app = testApp();
  const stack = new Stack(app, 'Web', { env: { account: '111111111111', region: 'eu-west-1' } });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }) });
  cluster.addCapacity('Capacity', { instanceType: new ec2.InstanceType('t4g.micro') });
  new events.Rule(stack, 'Nightly', {
    schedule: events.Schedule.rate(Duration.days(1)),
    targets: [new targets.AwsApi({ service: 'S3', action: 'listBuckets' })],
  });
  new ses.ReceiptRuleSet(stack, 'Mail', { dropSpam: true });
  const evaluate = new tasks.EvaluateExpression(stack, 'Sum', { expression: '$.a + 1' });
  const crossRegion = new tasks.CallAwsServiceCrossRegion(stack, 'List', {
    service: 's3',
    action: 'listBuckets',
    region: 'us-east-1',
    iamResources: ['*'],
  });
  new sfn.StateMachine(stack, 'Flow', {
    definitionBody: sfn.DefinitionBody.fromChainable(evaluate.next(crossRegion)),
  });
  const seed = new lambda.Function(stack, 'Seed', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  new triggers.Trigger(stack, 'SeedOnDeploy', { handler: seed });
  return app;
}

describe("CDK's own machinery is recognised from the ids CDK gives it", () => {
  const findings = evaluateApp(appWithMachinery());
  const judged = (pattern: RegExp) =>
    findings.filter((f) => pattern.test(f.resource.path)).map((f) => `${f.rule.id} ${f.resource.path}`);

  test.each([
    ['the ECS capacity drain hook function', /DrainECSHook/],
    ['the drain hook topic and lifecycle-hook role', /LifecycleHookDrainHook/],
    ['the events-targets AwsApi handler', /AWSb4cf1abd4e4f4bc699441af7ccd9ec37/],
    ['the SES drop-spam handler', /SingletonLambda224e77f9a32e4b4dac32983477abba16/],
    ['the Step Functions EvaluateExpression function', /EvalFunction|EvalServiceRole/],
    ['the Step Functions cross-region SDK handler', /CrossRegionAwsSdk8a0c93f3/],
    ['the triggers provider', /TriggerCustomResourceProvider/],
  ])('%s gets no finding', (_name, pattern) => {
    expect(judged(pattern)).toEqual([]);
  });

  test('the user-chosen ids around it are still judged: the capacity ASG and the trigger handler', () => {
    expect(judged(/^Web\/Cluster\/Capacity\/ASG$/).some((f) => f.startsWith('BIS-SF1'))).toBe(true);
    const seed = judged(/^Web\/Seed\/Resource$/);
    // The user writes the trigger handler (x86 here: BIS-CO8), but only a deploy runs it: no BIS-PO1.
    expect(seed.some((f) => f.startsWith('BIS-CO8'))).toBe(true);
    expect(seed.some((f) => f.startsWith('BIS-PO1'))).toBe(false);
  });

  test('a scanned template is recognised from the logical IDs the same ids become', () => {
    expect(isCdkMachinery({ path: 't.json#ClusterCapacityDrainECSHookFunction5F24CA1E' })).toBe(true);
    expect(
      isCdkMachinery({
        path: 't.json#AWSCDKTriggerCustomResourceProviderCustomResourceProviderHandler97BECD91',
      }),
    ).toBe(true);
    expect(
      isCdkMachinery({ path: 't.json#awscdkawseksClusterResourceProviderNestedStackResource9827C454' }),
    ).toBe(true);
    expect(isCdkMachinery({ path: 't.json#DrainQueueHandler1A2B3C4D' })).toBe(false);
  });
});
