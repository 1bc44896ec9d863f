import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PortableFunction } from '../../../lib/serverless';
import { PORTABLE_FUNCTION_MARK } from '../../../policies/marks';
import { evaluateApp, findingsFor } from '../../policies/harness';
import {
  HELLO_ENTRY,
  helloFunction,
  onlyResource,
  resourcesOfType,
  serviceStack,
} from './serverless-fixture';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function templateOf(fn: PortableFunction): Template {
  return Template.fromStack(Stack.of(fn));
}

describe('defaults, read from the template', () => {
  const fn = helloFunction();
  const template = templateOf(fn);
  const stack = Stack.of(fn);
  const logicalId = (construct: PortableFunction['logGroup'] | PortableFunction['role']) =>
    stack.getLogicalId(construct.node.defaultChild as never);

  test('nodejs22.x on arm64, 512 MiB, 30 seconds, active tracing, the generated handler', () => {
    const { Properties } = onlyResource(template, 'AWS::Lambda::Function');
    expect(Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 30,
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      Description: 'cdk-bis portable function functions/hello/index.ts',
    });
    expect(Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(Properties.Environment).toBeUndefined();
  });

  test('it logs to its own log group, kept one month', () => {
    const { Properties } = onlyResource(template, 'AWS::Lambda::Function');
    expect(Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(fn.logGroup) } });
    expect(onlyResource(template, 'AWS::Logs::LogGroup').Properties.RetentionInDays).toBe(30);
  });

  test('its role has no managed policy and may write only its log group and traces', () => {
    const role = onlyResource(template, 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policy = onlyResource(template, 'AWS::IAM::Policy');
    expect(policy.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] },
        },
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ],
    });
  });

  test('it carries the portable-function mark BIS-PO1 reads, with the entry from functions/', () => {
    const resource = onlyResource(template, 'AWS::Lambda::Function');
    expect(resource.Metadata).toMatchObject({
      [PORTABLE_FUNCTION_MARK]: { entry: 'functions/hello/index.ts' },
    });
    expect(fn.entry).toBe('functions/hello/index.ts');
    expect(fn.handlerKind).toBe('http');
    expect(fn.exportName).toBe('http');
  });

  test('no asynchronous trigger, no failure destination', () => {
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
  });
});

test('explicit props reach the template', () => {
  const fn = helloFunction({
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.X86_64,
    memorySize: 1769,
    timeout: Duration.minutes(15),
    logRetention: logs.RetentionDays.ONE_WEEK,
    tracing: lambda.Tracing.PASS_THROUGH,
    reservedConcurrentExecutions: 0,
    environment: { GREETING: 'bonjour' },
    description: 'greets',
  });
  const template = templateOf(fn);
  expect(onlyResource(template, 'AWS::Lambda::Function').Properties).toMatchObject({
    Runtime: 'nodejs24.x',
    Architectures: ['x86_64'],
    MemorySize: 1769,
    Timeout: 900,
    TracingConfig: { Mode: 'PassThrough' },
    ReservedConcurrentExecutions: 0,
    Environment: { Variables: { GREETING: 'bonjour' } },
    Description: 'greets',
  });
  expect(onlyResource(template, 'AWS::Logs::LogGroup').Properties.RetentionInDays).toBe(7);
});

test('stores become the BIS_* variables that storesFromEnvironment reads, on S3 with the KMS key', () => {
  const fn = helloFunction({
    environment: { GREETING: 'bonjour' },
    stores: { buckets: { landing: 'lake-landing', curated_zone: 'lake-curated' }, kmsKeyArn: KEY },
  });
  expect(onlyResource(templateOf(fn), 'AWS::Lambda::Function').Properties.Environment).toEqual({
    Variables: {
      GREETING: 'bonjour',
      BIS_STORES: 'landing,curated_zone',
      BIS_STORE_PROVIDER: 's3',
      BIS_S3_KMS_KEY_ID: KEY,
      BIS_STORE_LANDING_BUCKET: 'lake-landing',
      BIS_STORE_CURATED_ZONE_BUCKET: 'lake-curated',
    },
  });
});

test('an ObjectLanded handler under another export name wraps that export', () => {
  const fn = helloFunction({ handler: 'objectLanded', exportName: 'onLanded' });
  expect(fn.handlerKind).toBe('objectLanded');
  expect(fn.exportName).toBe('onLanded');
});

describe('an ObjectLanded trigger', () => {
  const fn = helloFunction({ handler: 'objectLanded' });
  fn.addObjectLandedTrigger('Landed', { bucketName: 'lake-landing', prefix: 'in/', suffix: '.csv' });
  const template = templateOf(fn);
  const ruleName = onlyResource(template, 'AWS::Events::Rule').Properties.Name as string;
  const stack = Stack.of(fn);
  const queueId = stack.getLogicalId(fn.failedEventsQueue!.node.defaultChild as sqs.CfnQueue);
  const functionId = stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction);

  test('is an EventBridge rule on "Object Created" in the bucket, keys matched on both ends', () => {
    expect(onlyResource(template, 'AWS::Events::Rule').Properties).toMatchObject({
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: ['lake-landing'] }, object: { key: [{ wildcard: 'in/*.csv' }] } },
      },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        },
      ],
    });
    expect(ruleName).toMatch(/^Service-Fn-[0-9A-F]{8}-Landed$/);
  });

  test('sends failed events to its own queue: KMS with a rotated customer key, TLS only, kept 14 days', () => {
    expect(onlyResource(template, 'AWS::Lambda::EventInvokeConfig').Properties).toMatchObject({
      FunctionName: { Ref: functionId },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    const queue = onlyResource(template, 'AWS::SQS::Queue');
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    expect(queue.Properties).toEqual({
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      MessageRetentionPeriod: 1209600,
      Tags: expect.any(Array),
    });
    expect(onlyResource(template, 'AWS::KMS::Key').Properties.EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('the function may send to that queue and use its key for data keys, nothing wider', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').map((p) => p.Properties.PolicyDocument);
    const statements = policies.flatMap((document) => (document as { Statement: object[] }).Statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: expect.objectContaining({ 'Fn::GetAtt': [expect.any(String), 'Arn'] }),
    });
    expect(JSON.stringify(statements)).not.toMatch(/kms:ReEncrypt\*|kms:GenerateDataKey\*/);
  });

  test('EventBridge may use the key only for this rule', () => {
    const keyPolicy = onlyResource(template, 'AWS::KMS::Key').Properties.KeyPolicy as { Statement: object[] };
    expect(keyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: {
          ArnEquals: {
            'aws:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([`:rule/${ruleName}`])] },
          },
        },
      }),
    );
  });
});

test('a prefix alone, or a suffix alone, matches that end of the key; both make an escaped wildcard', () => {
  const fn = helloFunction({ handler: 'objectLanded' });
  fn.addObjectLandedTrigger('Prefixed', { bucketName: 'lake-landing', prefix: 'raw/*' });
  fn.addObjectLandedTrigger('Suffixed', { bucketName: 'lake-landing', suffix: '.parquet' });
  fn.addObjectLandedTrigger('Starred', { bucketName: 'lake-landing', prefix: 'a*b/', suffix: '.csv' });
  const keys = resourcesOfType(templateOf(fn), 'AWS::Events::Rule').map(
    (r) => (r.Properties.EventPattern as { detail: { object: { key: unknown } } }).detail.object.key,
  );
  // In a wildcard, a `*` of the prefix itself is escaped, so it matches only a star.
  expect(keys).toEqual([[{ prefix: 'raw/*' }], [{ suffix: '.parquet' }], [{ wildcard: 'a\\*b/*.csv' }]]);
});

test('the failed-events destination is made once per function, and one key serves the whole stack', () => {
  const stack = serviceStack();
  const first = new PortableFunction(stack, 'First', { entry: HELLO_ENTRY, handler: 'objectLanded' });
  const second = new PortableFunction(stack, 'Second', { entry: HELLO_ENTRY, handler: 'objectLanded' });
  expect(first.addFailedEventsDestination()).toBe(first.addFailedEventsDestination());
  first.addObjectLandedTrigger('Landed', { bucketName: 'lake-landing' });
  second.addObjectLandedTrigger('Landed', { bucketName: 'lake-landing' });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::SQS::Queue', 2);
  template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 2);
  template.resourceCountIs('AWS::KMS::Key', 1);
});

test('a given onFailure destination is used as it is, and no queue is made', () => {
  const stack = serviceStack();
  const topic = new sns.Topic(stack, 'Failures');
  const fn = new PortableFunction(stack, 'Fn', {
    entry: HELLO_ENTRY,
    handler: 'objectLanded',
    onFailure: new destinations.SnsDestination(topic),
  });
  fn.addObjectLandedTrigger('Landed', { bucketName: 'lake-landing' });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::SQS::Queue', 0);
  const topicId = stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic);
  expect(onlyResource(template, 'AWS::Lambda::EventInvokeConfig').Properties.DestinationConfig).toEqual({
    OnFailure: { Destination: { Ref: topicId } },
  });
  expect(fn.failedEventsQueue).toBeUndefined();
});

test('BIS-TR8 still judges the environment: a literal password under a secret name is an error', () => {
  const fn = helloFunction({
    environment: { DB_PASSWORD: 'hunter2', DB_PASSWORD_ARN: 'arn:aws:secretsmanager:x' },
  });
  const findings = findingsFor(evaluateApp(Stack.of(fn).node.root as never), 'BIS-TR8');
  expect(findings).toEqual([
    expect.objectContaining({
      path: 'Service/Fn/Function/Resource',
      level: 'error',
      message: expect.stringContaining('DB_PASSWORD'),
    }),
  ]);
  expect(findings[0].message).not.toContain('DB_PASSWORD_ARN');
});
