import { Aws, CfnCondition, CfnParameter, Duration, Fn } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import rule from '../../../../policies/rules/co/PlatformBucketLifecycle';
import { verdictOf, verdictsOfTemplate } from '../../harness';
import { appStack, platformStack } from './fixtures';

describe('BIS-CO7 PlatformBucketLifecycle', () => {
  test('a data-platform bucket with an enabled lifecycle rule is compliant', () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw', {
      lifecycleRules: [
        {
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          noncurrentVersionExpiration: Duration.days(90),
        },
      ],
    });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a data-platform bucket without lifecycle rules is a warning', () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw');
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message:
        'The data-platform bucket has no LifecycleConfiguration, so every object and version stays in S3 Standard forever.',
    });
  });

  test('lifecycle rules that are all disabled do not count', () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw', {
      lifecycleRules: [{ enabled: false, expiration: Duration.days(365) }],
    });
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/has no LifecycleConfiguration rule with Status 'Enabled'/),
    });
  });

  test("buckets outside the data platform are not this rule's business", () => {
    expect(verdictOf(rule, new s3.Bucket(appStack(), 'Assets')).kind).toBe('not-applicable');
  });

  test('a lifecycle configuration under an Fn::If with AWS::NoValue is a warning; a status from a parameter is not judged', () => {
    const stack = platformStack();
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const status = new CfnParameter(stack, 'Status', { type: 'String', default: 'Enabled' });
    const conditional = new s3.CfnBucket(stack, 'Conditional');
    conditional.addPropertyOverride(
      'LifecycleConfiguration',
      Fn.conditionIf('Prod', { Rules: [{ Status: 'Enabled', ExpirationInDays: 30 }] }, Aws.NO_VALUE),
    );
    const parameter = new s3.CfnBucket(stack, 'Parameter', {
      lifecycleConfiguration: { rules: [{ status: status.valueAsString, expirationInDays: 30 }] },
    });
    expect(verdictOf(rule, conditional)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/may have no enabled LifecycleConfiguration rule \(Fn::If\)/),
    });
    expect(verdictOf(rule, parameter).kind).toBe('not-applicable');
  });

  test('a scanned template gets the same verdicts', () => {
    expect(
      verdictsOfTemplate(
        rule,
        {
          Resources: {
            Tiered: {
              Type: 'AWS::S3::Bucket',
              Properties: {
                LifecycleConfiguration: {
                  Rules: [
                    { Status: 'Disabled', ExpirationInDays: 1 },
                    {
                      Status: 'Enabled',
                      Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }],
                    },
                  ],
                },
              },
            },
            Empty: { Type: 'AWS::S3::Bucket', Properties: { LifecycleConfiguration: { Rules: [] } } },
            Computed: {
              Type: 'AWS::S3::Bucket',
              Properties: { LifecycleConfiguration: { Rules: { Ref: 'Rules' } } },
            },
            Odd: { Type: 'AWS::S3::Bucket', Properties: { LifecycleConfiguration: { Rules: ['x', 3] } } },
          },
        },
        'data-platform',
      ),
    ).toEqual({
      Tiered: 'compliant',
      Empty: 'non-compliant',
      Computed: 'not-applicable',
      Odd: 'non-compliant',
    });
  });
});
