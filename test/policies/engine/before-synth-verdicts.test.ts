import { CfnCondition, Duration, Fn, Lazy, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BisRole } from '../../../lib/roles';
import { BisChecks, type BisFinding } from '../../../policies/bis-checks';
import { FAMILIES } from '../../../policies/rule';
import { testApp } from '../../support';

/*
 * Unit tests call `validateScope` on constructs that were never synthesized; `cdk synth` checks the
 * templates CDK wrote. Both must reach the same verdicts on an app whose templates synth does not
 * change (no aspects, no cross-stack references: those exist only once synth has prepared the app).
 */

/** An application stack with something for every family, tokens and a condition. */
class ShopStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const isProd = new CfnCondition(this, 'IsProd', {
      expression: Fn.conditionEquals(this.region, 'eu-west-1'),
    });
    const dlq = new sqs.Queue(this, 'Dlq', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    const jobs = new sqs.Queue(this, 'Jobs', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
    const loose = new sqs.Queue(this, 'Loose', {
      // A token the rules must see resolved, as the template has it.
      visibilityTimeout: Duration.seconds(Lazy.number({ produce: () => 45 })),
    });
    const uploads = new s3.Bucket(this, 'Uploads', { versioned: true });
    new dynamodb.Table(this, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PROVISIONED,
    });
    const handler = new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_18_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
      timeout: Duration.seconds(10),
      environment: { JOBS: jobs.queueUrl, UPLOADS: uploads.bucketName, DB_PASSWORD: 'hunter2' },
      logGroup: new logs.LogGroup(this, 'HandlerLogs', { retention: logs.RetentionDays.ONE_WEEK }),
    });
    (handler.node.defaultChild as lambda.CfnFunction).cfnOptions.condition = isProd;
    uploads.grantReadWrite(handler);
    loose.grantSendMessages(handler);
    const worker = new lambda.Function(this, 'Worker', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    new lambda.EventInvokeConfig(this, 'WorkerAsync', { function: worker, retryAttempts: 1 });
    new sns.Topic(this, 'Events').addSubscription({
      bind: () => ({
        subscriberId: 'Worker',
        endpoint: worker.functionArn,
        protocol: sns.SubscriptionProtocol.LAMBDA,
      }),
    });
    new iam.Role(this, 'Admin', {
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 1, natGateways: 1 });
    const ssh = new ec2.SecurityGroup(this, 'Ssh', { vpc });
    ssh.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    new ec2.Instance(this, 'Bastion', {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' }),
      securityGroup: ssh,
    });
    const bucket = uploads.node.defaultChild as s3.CfnBucket;
    bucket.addPropertyOverride('LifecycleConfiguration.Rules', [{ Status: 'Enabled', ExpirationInDays: 30 }]);
  }
}

function variedApp() {
  const app = testApp();
  const lake = new Stack(app, 'Lake');
  BisRole.of(lake).set('data-platform');
  const key = new kms.Key(lake, 'Key', { enableKeyRotation: true });
  new s3.Bucket(lake, 'Raw', { encryptionKey: key, versioned: true, enforceSSL: true });
  new dynamodb.Table(lake, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  new s3.Bucket(new NestedStack(lake, 'Archive'), 'Cold');

  new ShopStack(app, 'Shop');
  const web = new Stack(app, 'Web');
  const api = new lambda.Function(web, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
  });
  new apigwv2.HttpApi(web, 'Http', { defaultIntegration: new HttpLambdaIntegration('Integration', api) });

  // A CDK Pipelines-style Stage: its stacks form their own application.
  const staging = new Stage(app, 'Staging');
  new ShopStack(staging, 'Shop');
  return app;
}

/** Every finding, as a line that says everything a report would show. */
function lines(findings: readonly BisFinding[]): string[] {
  return findings
    .map((f) => `${f.rule.id} ${f.level} ${f.resource.path} ${f.resource.logicalId} ${f.message}`)
    .sort();
}

test('validateScope before synth reaches the verdicts that synth reaches, on every rule family and Stage stacks', () => {
  const app = variedApp();
  const beforeSynth = new BisChecks().evaluate(app);
  app.synth();
  const atSynth = new BisChecks().evaluate(app);

  expect(lines(beforeSynth)).toEqual(lines(atSynth));
  // The app is varied enough for the comparison to mean something.
  const families = new Set(atSynth.map((finding) => /^BIS-([A-Z]+)\d/.exec(finding.rule.id)?.[1]));
  expect([...families].sort()).toEqual(Object.keys(FAMILIES).sort());
  expect(atSynth.some((finding) => finding.resource.path.startsWith('Staging/Shop/'))).toBe(true);
  expect(atSynth.some((finding) => finding.resource.path.startsWith('Lake/Archive'))).toBe(true);
});
