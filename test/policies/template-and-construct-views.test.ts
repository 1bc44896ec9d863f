import { CfnCondition, Duration, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisRole } from '../../lib/roles';
import { AppIndex } from '../../policies/engine/app-index';
import { synthesizedTemplates } from '../../policies/engine/synthesized-templates';
import { ConstructResource, JsonResource } from '../../policies/engine/template-resource';
import { ALL_RULES } from '../../policies/rules';
import { testApp } from './harness';

/*
 * BisChecks reads resources from the templates CDK synthesized when it can, and renders them from
 * the constructs otherwise. Both views must give every rule the same input, hence the same verdicts.
 */
function variedApp() {
  const app = testApp();
  const lake = new Stack(app, 'Lake');
  BisRole.of(lake).set('data-platform');
  const key = new kms.Key(lake, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(lake, 'Raw', { encryptionKey: key, versioned: true, enforceSSL: true });
  (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('LifecycleConfiguration.Rules', [
    { Status: 'Enabled', ExpirationInDays: 30 },
  ]);
  new dynamodb.Table(lake, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const archive = new NestedStack(lake, 'Archive');
  new s3.Bucket(archive, 'Cold');

  const web = new Stack(app, 'Web');
  const isProd = new CfnCondition(web, 'IsProd', { expression: Fn.conditionEquals(web.region, 'eu-west-1') });
  const dlq = new sqs.Queue(web, 'Dlq');
  const queue = new sqs.Queue(web, 'Jobs', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
  const handler = new lambda.Function(web, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
    timeout: Duration.seconds(10),
    environment: { BUCKET: bucket.bucketName, QUEUE: queue.queueUrl, API_TOKEN: 'literal-secret' },
  });
  (handler.node.defaultChild as lambda.CfnFunction).cfnOptions.condition = isProd;
  bucket.grantRead(handler);
  new apigwv2.HttpApi(web, 'Api', { defaultIntegration: new HttpLambdaIntegration('Integration', handler) });
  new iam.Role(web, 'Admin', {
    assumedBy: new iam.AccountRootPrincipal(),
    inlinePolicies: {
      all: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
      }),
    },
  });
  const vpc = new ec2.Vpc(web, 'Vpc', { maxAzs: 1, natGateways: 1 });
  const group = new ec2.SecurityGroup(web, 'Ssh', { vpc });
  group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  return app;
}

function verdictsByPath(index: AppIndex): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const resource of index.resources) {
    const verdicts = ALL_RULES.filter(
      (rule) => rule.resourceTypes.includes(resource.type) || rule.resourceTypes.includes('*'),
    ).map((rule) => `${rule.id} ${JSON.stringify(rule.check(resource, index))}`);
    byPath.set(`${resource.path} ${resource.logicalId} ${resource.type}`, verdicts);
  }
  return byPath;
}

test('rules get the same verdicts from synthesized templates and from rendered constructs', () => {
  const app = variedApp();
  app.synth();
  const fromTemplates = AppIndex.fromConstructTree(app, undefined, synthesizedTemplates({ fresh: false }));
  const fromConstructs = AppIndex.fromConstructTree(app);
  // The templates were really used, and every template resource found its construct.
  expect(
    fromTemplates.resources.every((resource) => resource instanceof JsonResource && resource.construct),
  ).toBe(true);
  expect(fromConstructs.resources.every((resource) => resource instanceof ConstructResource)).toBe(true);
  const templateVerdicts = verdictsByPath(fromTemplates);
  const constructVerdicts = verdictsByPath(fromConstructs);
  expect([...templateVerdicts.keys()].sort()).toEqual([...constructVerdicts.keys()].sort());
  for (const [key, verdicts] of templateVerdicts)
    expect({ key, verdicts }).toEqual({ key, verdicts: constructVerdicts.get(key) });
  // The app is varied enough to matter: both compliant and non-compliant verdicts occur.
  const all = [...templateVerdicts.values()].flat().join('\n');
  expect(all).toMatch(/non-compliant/);
  expect(all).toMatch(/"compliant"/);
});
