import {
  COMPLIANT,
  defineRule,
  literalString,
  nonCompliant,
  NOT_APPLICABLE,
} from '../../../policies/rules-api';

/*
 * An org rule as a platform team writes it: only `cdk-bis/rules` (policies/rules-api.ts) imported,
 * the file outside policies/rules.
 */

/** ACME-1: every bucket name starts with `acme-`. */
export const bucketPrefix = defineRule(
  __filename,
  {
    id: 'ACME-1',
    title: 'Bucket names start with acme-',
    rationale: 'Our account-wide SCP only lets roles reach buckets named acme-*.',
    fix: 'Name the bucket `acme-<purpose>` (s3.Bucket bucketName, BucketName in a template).',
    level: 'error',
    resourceTypes: ['AWS::S3::Bucket'],
    diktat: 'Every resource carries the acme- prefix.',
    documentation: 'https://wiki.acme.example/cloud/ACME-1',
  },
  (bucket) => {
    const name = literalString(bucket.properties.BucketName);
    if (name === undefined)
      return bucket.properties.BucketName === undefined
        ? nonCompliant('The bucket has no BucketName; name it acme-<purpose>.')
        : NOT_APPLICABLE;
    return name.startsWith('acme-')
      ? COMPLIANT
      : nonCompliant(`BucketName '${name}' does not start with acme-.`);
  },
);

/** ACME-S3-2: a warning-level org rule on queues, to check levels and `disable`. */
export const queueName = defineRule(
  __filename,
  {
    id: 'ACME-S3-2',
    title: 'Queues are named',
    rationale: 'Unnamed queues cannot be found in the on-call runbook.',
    fix: 'Give the queue a QueueName (sqs.Queue queueName).',
    level: 'warning',
    resourceTypes: ['AWS::SQS::Queue'],
  },
  (queue) =>
    queue.properties.QueueName === undefined ? nonCompliant('The queue has no QueueName.') : COMPLIANT,
);
