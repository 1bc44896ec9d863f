import { Aws, Fn, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import rule from '../../../../policies/rules/av/QueueRedrive';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const env = { account: '123456789012', region: 'eu-west-1' };

/** A work queue whose RedrivePolicy names the dead-letter queue by `deadLetterTargetArn`. */
const redriveTo = (deadLetterTargetArn: unknown, dlqName: unknown = 'orders-dlq') => ({
  Resources: {
    Failed: { Type: 'AWS::SQS::Queue', Properties: { QueueName: dlqName } },
    Work: {
      Type: 'AWS::SQS::Queue',
      Properties: { RedrivePolicy: { deadLetterTargetArn, maxReceiveCount: 5 } },
    },
  },
});

describe('BIS-AV4 a dead-letter queue named by its ARN', () => {
  test('a queue that another queue of the stack names by a literal ARN is a dead-letter queue', () => {
    const stack = new Stack(testApp(), 'App', { env });
    const dlq = new sqs.Queue(stack, 'Failed', { queueName: 'orders-dlq' });
    const byArn = sqs.Queue.fromQueueArn(
      stack,
      'FailedByArn',
      'arn:aws:sqs:eu-west-1:123456789012:orders-dlq',
    );
    new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: byArn, maxReceiveCount: 5 } });
    expect(verdictOf(rule, dlq).kind).toBe('compliant');
  });

  test('an ARN built from the Region and account pseudo parameters and the literal name names the queue', () => {
    const stack = new Stack(testApp(), 'App');
    const dlq = new sqs.Queue(stack, 'Failed', { queueName: 'orders-dlq' });
    const arn = stack.formatArn({ service: 'sqs', resource: 'orders-dlq' });
    new sqs.Queue(stack, 'Work', {
      deadLetterQueue: { queue: sqs.Queue.fromQueueArn(stack, 'FailedByArn', arn), maxReceiveCount: 5 },
    });
    expect(verdictOf(rule, dlq).kind).toBe('compliant');
  });

  test('an ARN of a queue with another name leaves the queue without a dead-letter queue', () => {
    const stack = new Stack(testApp(), 'App', { env });
    const dlq = new sqs.Queue(stack, 'Failed', { queueName: 'orders-dlq' });
    const other = sqs.Queue.fromQueueArn(stack, 'Other', 'arn:aws:sqs:eu-west-1:123456789012:orders-dlq-2');
    new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: other, maxReceiveCount: 5 } });
    expect(verdictOf(rule, dlq).kind).toBe('non-compliant');
  });

  test.each([
    ['a literal ARN', 'arn:aws:sqs:eu-west-1:123456789012:orders-dlq', 'compliant'],
    [
      'an Fn::Sub with the pseudo parameters',
      { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:orders-dlq' },
      'compliant',
    ],
    [
      "an Fn::Join on ':' with the pseudo parameters",
      {
        'Fn::Join': [
          ':',
          [
            'arn',
            { Ref: 'AWS::Partition' },
            'sqs',
            { Ref: 'AWS::Region' },
            { Ref: 'AWS::AccountId' },
            'orders-dlq',
          ],
        ],
      },
      'compliant',
    ],
    ['an SNS topic ARN with the same name', 'arn:aws:sns:eu-west-1:123456789012:orders-dlq', 'non-compliant'],
    [
      'an ARN whose name is computed',
      { 'Fn::Sub': 'arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${DlqName}' },
      'non-compliant',
    ],
  ])('a scanned template: a dead-letter queue named by %s', (_, arn, expected) => {
    expect(verdictsOfTemplate(rule, redriveTo(arn))).toEqual({ Failed: expected, Work: 'compliant' });
  });

  test('a scanned template: a queue named with the stack name is found by an ARN with the same Fn::Sub name', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      redriveTo(
        { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${AWS::StackName}-dlq' },
        { 'Fn::Sub': '${AWS::StackName}-dlq' },
      ),
    );
    expect(verdicts.Failed).toBe('compliant');
  });

  test('the pseudo-parameter helpers of aws-cdk-lib render an ARN the rule reads', () => {
    const stack = new Stack(testApp(), 'App');
    const dlq = new sqs.Queue(stack, 'Failed', { queueName: 'orders-dlq' });
    const arn = Fn.join(':', ['arn', Aws.PARTITION, 'sqs', Aws.REGION, Aws.ACCOUNT_ID, 'orders-dlq']);
    new sqs.CfnQueue(stack, 'Work', { redrivePolicy: { deadLetterTargetArn: arn, maxReceiveCount: 5 } });
    expect(verdictOf(rule, dlq).kind).toBe('compliant');
  });
});
