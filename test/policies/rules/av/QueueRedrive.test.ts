import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import rule from '../../../../policies/rules/av/QueueRedrive';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function appStack() {
  return new Stack(testApp(), 'App');
}

describe('BIS-AV4 QueueRedrive', () => {
  test('a queue with a dead-letter queue is compliant, and so is the dead-letter queue itself', () => {
    const stack = appStack();
    const dlq = new sqs.Queue(stack, 'Failed');
    const work = new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    expect(verdictOf(rule, work).kind).toBe('compliant');
    expect(verdictOf(rule, dlq).kind).toBe('compliant');
  });

  test('a queue without a dead-letter queue is a warning finding', () => {
    const work = new sqs.Queue(appStack(), 'Work');
    expect(verdictOf(rule, work)).toEqual({
      kind: 'non-compliant',
      message:
        'The queue has no RedrivePolicy, and nothing in the stack uses it as a dead-letter queue or on-failure destination.',
    });
    expect(rule.level).toBe('warning');
  });

  test('the dead-letter queue CDK creates for a function (deadLetterQueueEnabled) needs no redrive of its own', () => {
    const stack = appStack();
    const fn = new lambda.Function(stack, 'Ingest', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      deadLetterQueueEnabled: true,
    });
    expect(verdictOf(rule, fn.deadLetterQueue!).kind).toBe('compliant');
  });

  test('the dead-letter queue of an SNS subscription needs no redrive of its own', () => {
    const stack = appStack();
    const dlq = new sqs.Queue(stack, 'Undeliverable');
    const inbox = new sqs.Queue(stack, 'Inbox', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
    new sns.Topic(stack, 'Landed').addSubscription(
      new subscriptions.SqsSubscription(inbox, { deadLetterQueue: dlq }),
    );
    expect(verdictOf(rule, dlq).kind).toBe('compliant');
  });

  test('a RedrivePolicy under Fn::If with AWS::NoValue is a finding', () => {
    const stack = appStack();
    new CfnCondition(stack, 'WithDlq', {
      expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1'),
    });
    const queue = new sqs.CfnQueue(stack, 'Work', {
      redrivePolicy: Fn.conditionIf(
        'WithDlq',
        { deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:111111111111:dlq', maxReceiveCount: 5 },
        Fn.ref('AWS::NoValue'),
      ),
    });
    expect(verdictOf(rule, queue)).toMatchObject({
      message: expect.stringContaining('RedrivePolicy is conditional'),
    });
  });

  test('scanned templates: a redrive target given as an import counts, and a queue used as a failure destination is exempt', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Work: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::ImportValue': 'SharedDlqArn' }, maxReceiveCount: 5 },
          },
        },
        Failures: { Type: 'AWS::SQS::Queue' },
        Ingest: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            EventInvokeConfig: {
              DestinationConfig: {
                OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['Failures', 'Arn'] } },
              },
            },
          },
        },
        Orphan: { Type: 'AWS::SQS::Queue' },
      },
    });
    expect(verdicts).toEqual({ Work: 'compliant', Failures: 'compliant', Orphan: 'non-compliant' });
  });

  test('a RedrivePolicy written as a JSON string counts, and malformed references never throw', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Work: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            RedrivePolicy:
              '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111111111111:dlq","maxReceiveCount":5}',
          },
        },
        Odd: {
          Type: 'AWS::SQS::Queue',
          Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': 'Odd' } } },
        },
        Rule: { Type: 'AWS::Events::Rule', Properties: { Targets: 'x' } },
      },
    });
    expect(verdicts).toEqual({ Work: 'compliant', Odd: 'compliant' });
  });
});
