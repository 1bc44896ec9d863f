import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { keyOwnership } from './key-ownership';

export default defineRule(
  __filename,
  {
    id: 'BIS-TR9',
    title: 'Queues and topics are encrypted with a customer-managed KMS key',
    rationale:
      'Messages carry business data in transit between services. SQS-managed SSE and the aws/sqs or aws/sns keys are owned by AWS: the enterprise cannot restrict, audit or revoke who decrypts them, and AWS-managed keys cannot be shared with the publishers of other accounts or services.',
    fix: 'Encrypt with a kms.Key you own: sqs.Queue `encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key`; sns.Topic `masterKey: key` (CloudFormation KmsMasterKeyId on AWS::SQS::Queue and AWS::SNS::Topic).',
    level: 'warning',
    resourceTypes: ['AWS::SQS::Queue', 'AWS::SNS::Topic'],
  },
  (channel, index) => {
    const sqs = channel.type === 'AWS::SQS::Queue';
    const whenAbsent = sqs
      ? 'messages are encrypted at most with SQS-managed SSE, a key owned by AWS'
      : 'messages are not encrypted at rest';
    const ownership = keyOwnership(
      channel.properties.KmsMasterKeyId,
      channel,
      index,
      'KmsMasterKeyId',
      whenAbsent,
    );
    if (ownership.owner === 'customer') return COMPLIANT;
    // An unencrypted topic has no key to compare with a customer-managed one: say what to do instead.
    return nonCompliant(
      !sqs && ownership.absent
        ? `${ownership.why}: give the topic a customer-managed key.`
        : `${ownership.why}, not a customer-managed key.`,
    );
  },
);
