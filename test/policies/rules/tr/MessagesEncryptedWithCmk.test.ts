import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import rule from '../../../../policies/rules/tr/MessagesEncryptedWithCmk';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const stack = () => new Stack(testApp(), 'App');

describe('BIS-TR9 MessagesEncryptedWithCmk', () => {
  test('a queue and a topic encrypted with a kms.Key are compliant', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    const queue = new sqs.Queue(s, 'Inbox', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
    });
    const topic = new sns.Topic(s, 'Events', { masterKey: key });
    expect(verdictOf(rule, queue).kind).toBe('compliant');
    expect(verdictOf(rule, topic).kind).toBe('compliant');
  });

  test('QueueEncryption.KMS without a key makes CDK create a customer-managed key, which is compliant', () => {
    const queue = new sqs.Queue(stack(), 'Inbox', { encryption: sqs.QueueEncryption.KMS });
    expect(verdictOf(rule, queue).kind).toBe('compliant');
  });

  test('a default queue (SQS-managed SSE) is a finding: the key is owned by AWS', () => {
    const queue = new sqs.Queue(stack(), 'Inbox');
    expect(verdictOf(rule, queue)).toEqual({
      kind: 'non-compliant',
      message:
        'KmsMasterKeyId is not set, so messages are encrypted at most with SQS-managed SSE, a key owned by AWS, not a customer-managed key.',
    });
  });

  test('QueueEncryption.SQS_MANAGED and KMS_MANAGED (alias/aws/sqs) are findings', () => {
    const s = stack();
    const sqsManaged = new sqs.Queue(s, 'SqsManaged', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    const awsManaged = new sqs.Queue(s, 'AwsManaged', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    expect(verdictOf(rule, sqsManaged).kind).toBe('non-compliant');
    expect(verdictOf(rule, awsManaged)).toMatchObject({
      message: expect.stringContaining("KmsMasterKeyId is the AWS-managed key 'alias/aws/sqs'"),
    });
  });

  test('an unencrypted topic is a finding', () => {
    const topic = new sns.Topic(stack(), 'Events');
    expect(verdictOf(rule, topic)).toMatchObject({ message: expect.stringMatching(/not encrypted at rest/) });
  });

  test('the unencrypted topic message says what to do, and does not compare a missing key', () => {
    const topic = new sns.Topic(stack(), 'Events');
    expect(verdictOf(rule, topic)).toMatchObject({
      message:
        'KmsMasterKeyId is not set, so messages are not encrypted at rest: give the topic a customer-managed key.',
    });
  });

  test('a key from a parameter is accepted; a key one Fn::If branch drops is not', () => {
    const s = stack();
    const keyArn = new CfnParameter(s, 'KeyArn');
    new CfnCondition(s, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const fromParameter = new sqs.CfnQueue(s, 'FromParameter', { kmsMasterKeyId: keyArn.valueAsString });
    const sometimes = new sns.CfnTopic(s, 'Sometimes', {
      kmsMasterKeyId: Fn.conditionIf('Prod', keyArn.valueAsString, Fn.ref('AWS::NoValue')).toString(),
    });
    expect(verdictOf(rule, fromParameter).kind).toBe('compliant');
    expect(verdictOf(rule, sometimes).kind).toBe('non-compliant');
  });

  test('a scanned template gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Key: { Type: 'AWS::KMS::Key' },
        Alias: {
          Type: 'AWS::KMS::Alias',
          Properties: { AliasName: 'alias/lake', TargetKeyId: { Ref: 'Key' } },
        },
        ByAlias: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { Ref: 'Alias' } } },
        CustomAlias: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/lake' } },
        AwsSns: {
          Type: 'AWS::SNS::Topic',
          Properties: { KmsMasterKeyId: 'arn:aws:kms:eu-west-1:1:alias/aws/sns' },
        },
        Managed: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
        Junk: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: ['x'] } },
      },
    });
    expect(verdicts).toEqual({
      ByAlias: 'compliant',
      CustomAlias: 'compliant',
      AwsSns: 'non-compliant',
      Managed: 'non-compliant',
      Junk: 'non-compliant',
    });
  });
});
