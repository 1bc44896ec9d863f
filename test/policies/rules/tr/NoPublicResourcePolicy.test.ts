import { Fn, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import rule from '../../../../policies/rules/tr/NoPublicResourcePolicy';
import { testApp, verdictOf, templateVerdicts, verdictsOfTemplate } from '../../harness';

const stack = () => new Stack(testApp(), 'App');
const anyone = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
  new iam.PolicyStatement({ actions, resources, principals: [new iam.AnyPrincipal()], conditions });
const newFunction = (scope: Stack) =>
  new lambda.Function(scope, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
const permissions = (fn: lambda.Function) =>
  fn.node.children.filter((child): child is IConstruct => child instanceof lambda.CfnPermission);

describe('BIS-TR7 NoPublicResourcePolicy', () => {
  test('an enforceSSL bucket policy (a Deny for everyone) is compliant', () => {
    const bucket = new s3.Bucket(stack(), 'Raw', { enforceSSL: true });
    expect(verdictOf(rule, bucket.policy!)).toEqual({ kind: 'compliant' });
  });

  test('grantPublicAccess on a bucket is an error naming the statement', () => {
    const bucket = new s3.Bucket(stack(), 'Site');
    bucket.grantPublicAccess();
    expect(verdictOf(rule, bucket.policy!)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^PolicyDocument statement #1 allows Principal \{ AWS: '\*' \} with no condition/,
      ),
    });
  });

  test('an SNS-to-SQS subscription policy (service principal + aws:SourceArn) is compliant', () => {
    const s = stack();
    const queue = new sqs.Queue(s, 'Inbox');
    new sns.Topic(s, 'Events').addSubscription(new subscriptions.SqsSubscription(queue));
    expect(verdictOf(rule, queue.node.findChild('Policy')).kind).toBe('compliant');
  });

  test('a bucket delegated to access points (s3:DataAccessPointAccount or s3:DataAccessPointArn) is not public', () => {
    for (const condition of [
      { StringEquals: { 's3:DataAccessPointAccount': '111111111111' } },
      { StringEquals: { 's3:DataAccessPointArn': 'arn:aws:s3:eu-west-1:111111111111:accesspoint/reports' } },
    ]) {
      const bucket = new s3.Bucket(stack(), 'Shared');
      bucket.addToResourcePolicy(anyone(['s3:GetObject'], [bucket.arnForObjects('*')], condition));
      expect(verdictOf(rule, bucket.policy!)).toEqual({ kind: 'compliant' });
    }
    // A negated operator lets every other caller through: still public.
    const open = new s3.Bucket(stack(), 'Open');
    open.addToResourcePolicy(
      anyone(['s3:GetObject'], [open.arnForObjects('*')], {
        StringNotEquals: { 's3:DataAccessPointAccount': '111111111111' },
      }),
    );
    expect(verdictOf(rule, open.policy!)).toMatchObject({ kind: 'non-compliant' });
  });

  test('a public principal confined by aws:SourceIp or aws:PrincipalOrgID is compliant', () => {
    const s = stack();
    const queue = new sqs.Queue(s, 'Inbox');
    queue.addToResourcePolicy(
      anyone(['sqs:SendMessage'], [queue.queueArn], { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
    );
    const topic = new sns.Topic(s, 'Events');
    topic.addToResourcePolicy(
      anyone(['sns:Publish'], [topic.topicArn], { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }),
    );
    expect(verdictOf(rule, queue.node.findChild('Policy')).kind).toBe('compliant');
    expect(verdictOf(rule, topic.node.findChild('Policy')).kind).toBe('compliant');
  });

  test('secrets and container images open to anyone are errors', () => {
    const s = stack();
    const secret = new secretsmanager.Secret(s, 'Secret');
    secret.addToResourcePolicy(anyone(['secretsmanager:GetSecretValue'], ['*']));
    const repository = new ecr.Repository(s, 'Images');
    repository.addToResourcePolicy(anyone(['ecr:BatchGetImage'], []));
    expect(verdictOf(rule, secret.node.findChild('Policy')).kind).toBe('non-compliant');
    expect(verdictOf(rule, repository)).toMatchObject({
      message: expect.stringMatching(/^RepositoryPolicyText statement/),
    });
  });

  test('a function URL with AuthType NONE is a deliberate public web endpoint and is compliant', () => {
    const fn = newFunction(stack());
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    const granted = permissions(fn);
    expect(granted).toHaveLength(2);
    for (const permission of granted) expect(verdictOf(rule, permission).kind).toBe('compliant');
  });

  test('a permission letting anyone invoke the function is an error; a source account confines it', () => {
    const s = stack();
    const fn = newFunction(s);
    fn.addPermission('Anyone', { principal: new iam.AnyPrincipal() });
    fn.addPermission('Partner', { principal: new iam.AnyPrincipal(), sourceAccount: '222222222222' });
    expect(verdictOf(rule, fn.node.findChild('Anyone'))).toEqual({
      kind: 'non-compliant',
      message:
        "Principal is '*' for lambda:InvokeFunction with no SourceArn, SourceAccount or PrincipalOrgID: anyone may invoke the function.",
    });
    expect(verdictOf(rule, fn.node.findChild('Partner')).kind).toBe('compliant');
  });

  test('a policy document imported from another stack cannot be read and is non-compliant', () => {
    const s = stack();
    const policy = new sqs.CfnQueuePolicy(s, 'Policy', {
      queues: ['q'],
      policyDocument: Fn.importValue('SharedPolicy'),
    });
    expect(verdictOf(rule, policy)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/computed/),
    });
  });

  test('an open event bus policy names the policy once ("The bus policy statement #1"), not "Statement statement"', () => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        StatementOpen: {
          Type: 'AWS::Events::EventBusPolicy',
          Properties: {
            StatementId: 'all',
            Statement: { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: '*' },
          },
        },
      },
    });
    expect(verdicts.StatementOpen).toMatchObject({
      message: expect.stringMatching(/^The bus policy statement #1 allows Principal '\*' with no condition/),
    });
  });

  test('a scanned template: event bus policies, Fn::If sources on permissions, NotPrincipal', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        LegacyOrg: {
          Type: 'AWS::Events::EventBusPolicy',
          Properties: {
            StatementId: 'org',
            Action: 'events:PutEvents',
            Principal: '*',
            Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: 'o-abc' },
          },
        },
        LegacyOpen: {
          Type: 'AWS::Events::EventBusPolicy',
          Properties: { StatementId: 'all', Action: 'events:PutEvents', Principal: '*' },
        },
        StatementOpen: {
          Type: 'AWS::Events::EventBusPolicy',
          Properties: {
            StatementId: 'all',
            Statement: { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: '*' },
          },
        },
        MaybeConfined: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            Action: 'lambda:InvokeFunction',
            FunctionName: 'f',
            Principal: '*',
            SourceArn: { 'Fn::If': ['Prod', 'arn:aws:s3:::lake', { Ref: 'AWS::NoValue' }] },
          },
        },
        AllButOne: {
          Type: 'AWS::SNS::TopicPolicy',
          Properties: {
            Topics: ['t'],
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::1:root' }, Action: 'sns:Publish' },
              ],
            },
          },
        },
        ServiceOnly: {
          Type: 'AWS::Lambda::Permission',
          Properties: { Action: 'lambda:InvokeFunction', FunctionName: 'f', Principal: 's3.amazonaws.com' },
        },
        Junk: { Type: 'AWS::Lambda::Permission', Properties: { Principal: ['*'], SourceArn: 7 } },
      },
    });
    expect(verdicts).toEqual({
      LegacyOrg: 'compliant',
      LegacyOpen: 'non-compliant',
      StatementOpen: 'non-compliant',
      MaybeConfined: 'non-compliant',
      AllButOne: 'non-compliant',
      ServiceOnly: 'compliant',
      Junk: 'compliant',
    });
  });
});
