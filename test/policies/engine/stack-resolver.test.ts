import {
  CfnJson,
  CfnOutput,
  CfnParameter,
  CfnResource,
  Duration,
  Fn,
  Lazy,
  SecretValue,
  Stack,
  Token,
  type IResolvable,
} from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { DataLakeStack } from '../../../lib/data-lake';
import { StackResolver } from '../../../policies/engine/stack-resolver';
import { testApp } from '../../support';

/*
 * The run's resolver must give every value exactly as `stack.resolve` does: rules judge what they
 * read, and before synth they read it through this resolver. Each app below uses a kind of value
 * the resolver walks itself or hands to CDK.
 */

/** Every raw property value of every L1 in the stacks below `root`, with where it is. */
function rawProperties(root: IConstruct): { where: string; stack: Stack; value: unknown }[] {
  const found: { where: string; stack: Stack; value: unknown }[] = [];
  for (const construct of root.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    const raw = (construct as unknown as { cfnProperties: Record<string, unknown> }).cfnProperties;
    for (const [key, value] of Object.entries(raw)) {
      found.push({ where: `${construct.node.path}.${key}`, stack: construct.stack, value });
    }
    found.push({
      where: `${construct.node.path} logical ID`,
      stack: construct.stack,
      value: construct.logicalId,
    });
  }
  return found;
}

/** The same values from CDK's `stack.resolve` and from one resolver per stack (shared, as a run shares it). */
function bothWays(root: IConstruct): { cdk: Record<string, unknown>; run: Record<string, unknown> } {
  const resolvers = new Map<Stack, StackResolver>();
  const cdk: Record<string, unknown> = {};
  const run: Record<string, unknown> = {};
  for (const { where, stack, value } of rawProperties(root)) {
    let resolver = resolvers.get(stack);
    if (!resolver) {
      resolver = new StackResolver(stack);
      resolvers.set(stack, resolver);
    }
    cdk[where] = stack.resolve(value);
    run[where] = resolver.resolve(value);
  }
  return { cdk, run };
}

function expectSameValues(root: IConstruct): void {
  const { cdk, run } = bothWays(root);
  expect(Object.keys(run).length).toBeGreaterThan(0);
  expect(run).toEqual(cdk);
}

test('references, ARNs, grants, policy documents and environment variables', () => {
  const stack = new Stack(testApp(), 'Shop');
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Uploads', { encryptionKey: key, enforceSSL: true, versioned: true });
  const table = new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const queue = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(60) });
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment: {
      QUEUE_URL: queue.queueUrl,
      TABLE: table.tableName,
      // Fragments around tokens: one Fn::Join, literals merged, as CDK writes it.
      OBJECTS: `s3://${bucket.bucketName}/in/${Stack.of(stack).region}`,
      ARN_LIST: Fn.join(',', [bucket.bucketArn, table.tableArn]),
      // A token that is itself a join ending in a literal, then a literal: one literal '/in-v2'.
      VERSIONED: `${Lazy.string({ produce: () => `${bucket.bucketArn}/in` })}-v2`,
    },
  });
  bucket.grantReadWrite(fn);
  table.grantReadData(fn);
  queue.grantConsumeMessages(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [`${bucket.bucketArn}`, bucket.arnForObjects(`${Stack.of(stack).account}/*`)],
      conditions: { StringLike: { 's3:prefix': [`${Stack.of(stack).stackName}/*`] } },
    }),
  );
  new iam.Role(stack, 'Deployer', {
    assumedBy: new iam.CompositePrincipal(
      new iam.ServicePrincipal('lambda.amazonaws.com'),
      new iam.AccountPrincipal(Stack.of(stack).account),
    ),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  });
  expectSameValues(stack);
});

test('lazy values, encoded lists and numbers, parameters and Fn::Sub', () => {
  const stack = new Stack(testApp(), 'Lazy');
  const size = new CfnParameter(stack, 'Size', { type: 'Number', default: 3 });
  const names = new CfnParameter(stack, 'Names', { type: 'CommaDelimitedList' });
  new sqs.CfnQueue(stack, 'Queue', {
    delaySeconds: size.valueAsNumber,
    maximumMessageSize: Lazy.number({ produce: () => 2048 }),
    queueName: Lazy.string({ produce: () => `jobs-${Stack.of(stack).region}` }),
    tags: [{ key: 'names', value: Fn.join('+', names.valueAsList) }],
  });
  new ec2.CfnSecurityGroup(stack, 'Group', {
    groupDescription: Fn.sub('group in ${AWS::Region} for ${Name}', {
      Name: Fn.select(0, names.valueAsList),
    }),
    securityGroupIngress: Lazy.any({
      produce: () => [{ ipProtocol: 'tcp', fromPort: size.valueAsNumber, toPort: 443, cidrIp: '10.0.0.0/8' }],
    }),
  });
  new s3.CfnBucket(stack, 'Bucket', {
    // A list attribute of another resource is one encoded list token.
    corsConfiguration: {
      corsRules: [{ allowedMethods: ['GET'], allowedOrigins: names.valueAsList }],
    },
  });
  expectSameValues(stack);
});

test('JSON rendered with intrinsics inside (toJsonString, CfnJson, event inputs, state machines)', () => {
  const stack = new Stack(testApp(), 'Json');
  const bucket = new s3.Bucket(stack, 'Bucket');
  const queue = new sqs.Queue(stack, 'Queue');
  const conditions = new CfnJson(stack, 'Conditions', {
    value: { [`aws:ResourceTag/${bucket.bucketName}`]: 'yes' },
  });
  new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    inlinePolicies: {
      read: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [bucket.arnForObjects('*')],
            conditions: { StringEquals: conditions },
          }),
        ],
      }),
    },
  });
  new events.Rule(stack, 'Nightly', {
    schedule: events.Schedule.rate(Duration.days(1)),
    targets: [
      new targets.SqsQueue(queue, {
        message: events.RuleTargetInput.fromObject({ bucket: bucket.bucketName, at: events.EventField.time }),
      }),
    ],
  });
  const pass = new sfn.Pass(stack, 'Pass', {
    parameters: { Bucket: bucket.bucketName, Queue: queue.queueUrl },
  });
  new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(pass) });
  new CfnOutput(stack, 'Document', { value: stack.toJsonString({ bucket: bucket.bucketArn, n: 1 }) });
  new sqs.CfnQueue(stack, 'Tagged', {
    tags: [{ key: 'doc', value: stack.toJsonString({ [queue.queueName]: bucket.bucketArn }) }],
  });
  expectSameValues(stack);
});

test('cross-stack references and the platform data lake', () => {
  const app = testApp();
  const lake = new DataLakeStack(app, 'Lake', { lakeName: 'orders' });
  const consumer = new Stack(app, 'Consumer');
  const shared = new s3.Bucket(new Stack(app, 'Shared'), 'Bucket');
  new sqs.CfnQueue(consumer, 'Queue', {
    queueName: Fn.join('-', ['from', lake.stackName]),
    kmsMasterKeyId: Lazy.string({ produce: () => 'alias/aws/sqs' }),
    // Another stack's resource: a plain reference before synth, an import once synth prepared the app.
    redrivePolicy: { deadLetterTargetArn: shared.bucketArn, source: shared.bucketName },
  });
  expectSameValues(app);
  app.synth();
  const { run } = bothWays(app);
  expect(JSON.stringify(run['Consumer/Queue.redrivePolicy'])).toContain('Fn::ImportValue');
  expectSameValues(app);
});

test('values CDK refuses are refused with the same message', () => {
  const stack = new Stack(testApp(), 'Bad');
  const bucket = new s3.Bucket(stack, 'Bucket');
  const resolver = new StackResolver(stack);
  const refused: unknown[] = [
    // A token key that resolves to an intrinsic.
    { [bucket.bucketName]: 'value' },
    // An encoded list used as one string.
    `prefix-${Token.asList(Lazy.list({ produce: () => ['a'] }))[0]}`,
    // A construct is not data (CDK meets it as a circular value).
    { Bucket: bucket },
    // A token whose resolution throws.
    Lazy.string({
      produce: () => {
        throw new Error('no value yet');
      },
    }),
    // A secret in plain text, which CDK refuses when the app asks it to.
    SecretValue.unsafePlainText('hunter2'),
  ];
  for (const value of refused.slice(0, 4)) {
    const message = (resolve: () => unknown): string => {
      try {
        resolve();
      } catch (error) {
        return (error as Error).message;
      }
      return 'resolved';
    };
    const fromCdk = message(() => stack.resolve(value));
    expect(fromCdk).not.toBe('resolved');
    // Once prefixed, as CDK prefixes the outermost token's error (CDK repeats it per nesting level).
    expect(message(() => resolver.resolve(value)).replace(/(Resolution error: )+/, '$1')).toBe(
      fromCdk.replace(/(Resolution error: )+/, '$1').replace(/\.+$/, '.'),
    );
  }
  expect(resolver.resolve(refused[4])).toEqual(stack.resolve(refused[4]));
});

test('each token is resolved once per resolver, and each resolver resolves afresh', () => {
  const stack = new Stack(testApp(), 'Once');
  let produced = 0;
  // Uncached: CDK itself would produce it again on every resolution.
  const name = Lazy.uncachedString({ produce: () => `name-${++produced}` });
  const resolver = new StackResolver(stack);
  expect(resolver.resolve({ a: name, b: [name, `${name}-suffix`] })).toEqual({
    a: 'name-1',
    b: ['name-1', 'name-1-suffix'],
  });
  expect(produced).toBe(1);
  expect(new StackResolver(stack).resolve(name)).toBe('name-2');
});

test('plain data comes back equal, undefined entries dropped as CDK drops them', () => {
  const stack = new Stack(testApp(), 'Plain');
  const resolver = new StackResolver(stack);
  const when = new Date('2026-01-01T00:00:00Z');
  const value = { a: 1, b: 'x', c: [true, null, undefined, { d: undefined, e: when }], f: undefined };
  expect(resolver.resolve(value)).toEqual(stack.resolve(value));
  expect(resolver.resolve(value)).toEqual({ a: 1, b: 'x', c: [true, null, { e: when }] });
  const resolvable: IResolvable = { creationStack: [], resolve: () => ({ Ref: 'AWS::Region' }) };
  expect(resolver.resolve([resolvable])).toEqual(stack.resolve([resolvable]));
});
