import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import rule from '../../../../policies/rules/tr/BucketPublicAccessBlock';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const stack = (context: Record<string, unknown> = {}) => new Stack(testApp({ context }), 'Lake');

describe('BIS-TR5 BucketPublicAccessBlock', () => {
  test('BlockPublicAccess.BLOCK_ALL is compliant', () => {
    const bucket = new s3.Bucket(stack(), 'Raw', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a default s3.Bucket (CDK 2.276) renders no PublicAccessBlockConfiguration: a warning, since S3 blocks it by default', () => {
    const bucket = new s3.Bucket(stack(), 'Raw');
    expect((bucket.node.defaultChild as s3.CfnBucket).publicAccessBlockConfiguration).toBeUndefined();
    expect(verdictOf(rule, bucket)).toEqual({
      kind: 'non-compliant',
      level: 'warning',
      message:
        'PublicAccessBlockConfiguration is not set: S3 blocks public access on buckets created since April 2023 by default, but the template does not say so (a bucket created earlier, or a block turned off by hand, is open and drift detection cannot tell); state it with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets all true.',
    });
  });

  test('BLOCK_ACLS lists the two policy flags that stay open', () => {
    const bucket = new s3.Bucket(stack(), 'Raw', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS });
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('BlockPublicPolicy (not set), RestrictPublicBuckets (not set)'),
    });
    // A stated but partial block turns flags off: that stays an error.
    expect(verdictOf(rule, bucket)).not.toHaveProperty('level');
  });

  test('with @aws-cdk/aws-s3:publicAccessBlockedByDefault, a partial setting is completed with true and is compliant', () => {
    const bucket = new s3.Bucket(stack({ '@aws-cdk/aws-s3:publicAccessBlockedByDefault': true }), 'Raw', {
      blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: true }),
    });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a flag chosen by a condition cannot be proven', () => {
    const s = stack();
    new CfnCondition(s, 'Open', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const bucket = new s3.CfnBucket(s, 'Raw', {
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: Fn.conditionIf('Open', false, true),
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('BlockPublicPolicy (computed)'),
    });
  });

  test('a scanned template gets the same verdicts', () => {
    const all = {
      BlockPublicAcls: 'true',
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    };
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Blocked: { Type: 'AWS::S3::Bucket', Properties: { PublicAccessBlockConfiguration: all } },
        Missing: {
          Type: 'AWS::S3::Bucket',
          Properties: { PublicAccessBlockConfiguration: { BlockPublicAcls: true } },
        },
        Imported: {
          Type: 'AWS::S3::Bucket',
          Properties: { PublicAccessBlockConfiguration: { 'Fn::ImportValue': 'Pab' } },
        },
        Junk: { Type: 'AWS::S3::Bucket', Properties: { PublicAccessBlockConfiguration: 'yes' } },
      },
    });
    expect(verdicts).toEqual({
      Blocked: 'compliant',
      Missing: 'non-compliant',
      Imported: 'non-compliant',
      Junk: 'non-compliant',
    });
  });
});
