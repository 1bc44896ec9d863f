import { CfnCondition, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { indexTemplates } from '../../../../policies/engine/app-index';
import rule from '../../../../policies/rules/av/AsyncFailureDestination';
import { evaluateApp, findingsFor, testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function appStack() {
  const app = testApp();
  return { app, stack: new Stack(app, 'App') };
}

function ingest(stack: Stack, props: Partial<lambda.FunctionProps> = {}) {
  return new lambda.Function(stack, 'Ingest', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    ...props,
  });
}

describe('BIS-AV1 AsyncFailureDestination', () => {
  test("a function notified by S3 without a failure destination is an error (and CDK's notification handler is not)", () => {
    const { app, stack } = appStack();
    const bucket = new s3.Bucket(stack, 'Landing');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(ingest(stack)));
    expect(findingsFor(evaluateApp(app), 'BIS-AV1')).toEqual([
      {
        path: 'App/Ingest/Resource',
        level: 'error',
        message: expect.stringMatching(
          /^The function is invoked asynchronously by s3\.amazonaws\.com and has no on-failure destination or dead-letter queue/,
        ),
      },
    ]);
  });

  test('configureAsyncInvoke without an on-failure destination makes the function asynchronous, and an error', () => {
    const { stack } = appStack();
    const fn = ingest(stack);
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(5) });
    expect(verdictOf(rule, fn)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The function has an EventInvokeConfig \(\w+\), which applies only to asynchronous invocations, so a caller outside the stack invokes it asynchronously, but it has no on-failure destination or dead-letter queue/,
      ),
    });
    const other = appStack().stack;
    const configured = ingest(other, {
      onFailure: new destinations.SqsDestination(new sqs.Queue(other, 'Failed')),
    });
    expect(verdictOf(rule, configured).kind).toBe('compliant');
  });

  test('an invoke config on a function that only an SQS event source mapping invokes has no effect: not judged', () => {
    const { stack } = appStack();
    const fn = ingest(stack, { retryAttempts: 0 });
    fn.addEventSource(new sources.SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    expect(verdictOf(rule, fn).kind).toBe('not-applicable');
    // The same function with an asynchronous invoker beside the queue is still judged.
    const other = appStack().stack;
    const both = ingest(other, { retryAttempts: 0 });
    both.addEventSource(new sources.SqsEventSource(new sqs.Queue(other, 'Jobs')));
    new sns.Topic(other, 'Landed').addSubscription(new subscriptions.LambdaSubscription(both));
    expect(verdictOf(rule, both).kind).toBe('non-compliant');
  });

  test('a SAM function whose only events are synchronous ignores its EventInvokeConfig', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Worker: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            EventInvokeConfig: { MaximumRetryAttempts: 0 },
            Events: { Jobs: { Type: 'SQS', Properties: { Queue: { 'Fn::GetAtt': ['Jobs', 'Arn'] } } } },
          },
        },
      },
    });
    expect(verdicts).toEqual({ Worker: 'not-applicable' });
  });

  test('a SAM function with an EventInvokeConfig but no OnFailure is asynchronous, and an error', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Retries: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            EventInvokeConfig: { MaximumRetryAttempts: 0 },
          },
        },
        Handled: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            EventInvokeConfig: { DestinationConfig: { OnFailure: { Type: 'SQS' } } },
          },
        },
      },
    });
    expect(verdicts).toEqual({ Retries: 'non-compliant', Handled: 'compliant' });
  });

  test('an on-failure SQS destination makes it compliant', () => {
    const { stack } = appStack();
    const bucket = new s3.Bucket(stack, 'Landing');
    const fn = ingest(stack, { onFailure: new destinations.SqsDestination(new sqs.Queue(stack, 'Failed')) });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    expect(verdictOf(rule, fn).kind).toBe('compliant');
  });

  test('a dead-letter queue makes an SNS-subscribed function compliant', () => {
    const { stack } = appStack();
    const fn = ingest(stack, { deadLetterQueueEnabled: true });
    new sns.Topic(stack, 'Landed').addSubscription(new subscriptions.LambdaSubscription(fn));
    expect(verdictOf(rule, fn).kind).toBe('compliant');
  });

  test("a function polled from SQS is invoked synchronously and not this rule's business", () => {
    const { stack } = appStack();
    const fn = ingest(stack);
    fn.addEventSource(new sources.SqsEventSource(new sqs.Queue(stack, 'Work')));
    expect(verdictOf(rule, fn).kind).toBe('not-applicable');
  });

  test('an EventBridge rule target is listed among the triggers', () => {
    const { stack } = appStack();
    const fn = ingest(stack);
    new events.Rule(stack, 'Hourly', {
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(fn)],
    });
    expect(verdictOf(rule, fn)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /invoked asynchronously by EventBridge rule Hourly\w+, events\.amazonaws\.com and/,
      ),
    });
  });

  test('a notification to an alias is traced back to its function', () => {
    const { stack } = appStack();
    const fn = ingest(stack);
    const live = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    new s3.Bucket(stack, 'Landing').addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(live),
    );
    expect(verdictOf(rule, fn)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('s3.amazonaws.com'),
    });
  });

  test('a dead-letter queue given as an import is configured; one under Fn::If with AWS::NoValue is not', () => {
    const { stack } = appStack();
    new CfnCondition(stack, 'WithDlq', {
      expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1'),
    });
    const imported = new lambda.CfnFunction(stack, 'Imported', {
      role: 'arn:aws:iam::111111111111:role/ingest',
      code: { zipFile: 'exports.handler = async () => {}' },
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      deadLetterConfig: { targetArn: Fn.importValue('SharedDeadLetterQueueArn') },
    });
    const conditional = new lambda.CfnFunction(stack, 'Conditional', {
      role: 'arn:aws:iam::111111111111:role/ingest',
      code: { zipFile: 'exports.handler = async () => {}' },
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      deadLetterConfig: Fn.conditionIf(
        'WithDlq',
        { TargetArn: 'arn:aws:sqs:eu-west-1:111111111111:dlq' },
        Fn.ref('AWS::NoValue'),
      ) as unknown as lambda.CfnFunction.DeadLetterConfigProperty,
    });
    for (const [id, fn] of [
      ['FromImport', imported],
      ['FromCondition', conditional],
    ] as const) {
      new lambda.CfnPermission(stack, `${id}Permission`, {
        action: 'lambda:InvokeFunction',
        functionName: fn.attrArn,
        principal: 'sns.amazonaws.com',
      });
    }
    expect(verdictOf(rule, imported).kind).toBe('compliant');
    expect(verdictOf(rule, conditional)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('is conditional (Fn::If with AWS::NoValue)'),
    });
  });

  test('scanned SAM functions: async events need DeadLetterQueue or EventInvokeConfig.OnFailure', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Landing: { Type: 'AWS::S3::Bucket' },
        Bare: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Events: {
              Landed: {
                Type: 'S3',
                Properties: { Bucket: { Ref: 'Landing' }, Events: 's3:ObjectCreated:*' },
              },
            },
          },
        },
        WithQueue: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Events: { Nightly: { Type: 'ScheduleV2', Properties: { ScheduleExpression: 'rate(1 day)' } } },
            DeadLetterQueue: { Type: 'SQS', TargetArn: 'arn:aws:sqs:eu-west-1:111111111111:dlq' },
          },
        },
        WithDestination: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Events: {
              Landed: { Type: 'SNS', Properties: { Topic: 'arn:aws:sns:eu-west-1:111111111111:landed' } },
            },
            EventInvokeConfig: { DestinationConfig: { OnFailure: { Type: 'SQS' } } },
          },
        },
        Polled: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Events: {
              Work: { Type: 'SQS', Properties: { Queue: 'arn:aws:sqs:eu-west-1:111111111111:work' } },
            },
          },
        },
      },
    });
    expect(verdicts).toEqual({
      Bare: 'non-compliant',
      WithQueue: 'compliant',
      WithDestination: 'compliant',
      Polled: 'not-applicable',
    });
  });

  test('scanned templates: a regional logs principal and a literal function name are traced', () => {
    const index = indexTemplates([
      {
        path: 'logs.json',
        role: 'infrastructure',
        template: {
          Resources: {
            Shipper: {
              Type: 'AWS::Lambda::Function',
              Properties: { FunctionName: 'log-shipper', Role: 'arn:aws:iam::111111111111:role/shipper' },
            },
            Invoke: {
              Type: 'AWS::Lambda::Permission',
              Properties: {
                Action: 'lambda:InvokeFunction',
                FunctionName: 'log-shipper',
                Principal: { 'Fn::Sub': 'logs.${AWS::Region}.amazonaws.com' },
              },
            },
            Config: {
              Type: 'AWS::Lambda::EventInvokeConfig',
              Properties: { FunctionName: 'log-shipper', Qualifier: '$LATEST', MaximumRetryAttempts: 0 },
            },
          },
        },
      },
    ]);
    expect(rule.check(index.resources[0], index)).toEqual({
      kind: 'non-compliant',
      message:
        "The function is invoked asynchronously by logs.${AWS::Region}.amazonaws.com and has no on-failure destination or dead-letter queue (an EventInvokeConfig with DestinationConfig.OnFailure.Destination, or DeadLetterConfig.TargetArn): an event that still fails after Lambda's retries is dropped.",
    });
  });

  test('malformed triggers and configs never throw', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { DeadLetterConfig: 'not-an-object' } },
        Odd: {
          Type: 'AWS::Lambda::Permission',
          Properties: { Principal: ['s3.amazonaws.com'], FunctionName: { Ref: 'Fn' } },
        },
        Rule: {
          Type: 'AWS::Events::Rule',
          Properties: { Targets: [null, 'x', { Arn: { 'Fn::If': 'bad' } }] },
        },
        Sam: { Type: 'AWS::Serverless::Function', Properties: { Events: 'not-an-object' } },
      },
    });
    expect(verdicts).toEqual({ Fn: 'not-applicable', Sam: 'not-applicable' });
  });
});
