import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BisRole } from '../../../../lib/roles';
import rule from '../../../../policies/rules/av/PlatformBucketVersioning';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function platformStack() {
  const stack = new Stack(testApp(), 'Lake');
  BisRole.of(stack).set('data-platform');
  return stack;
}

describe('BIS-AV2 PlatformBucketVersioning', () => {
  test('a versioned data-platform bucket is compliant', () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw', { versioned: true });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('an unversioned data-platform bucket is an error finding', () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw');
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/versioning is off/),
    });
  });

  test('suspended versioning is named in the message', () => {
    const bucket = new s3.CfnBucket(platformStack(), 'Raw', {
      versioningConfiguration: { status: 'Suspended' },
    });
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/'Suspended'/),
    });
  });

  test('an escape-hatch override that enables versioning is honoured', () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw');
    (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
      'VersioningConfiguration.Status',
      'Enabled',
    );
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a status computed from a condition cannot be proven and is non-compliant', () => {
    const stack = platformStack();
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const bucket = new s3.CfnBucket(stack, 'Raw', {
      versioningConfiguration: { status: Fn.conditionIf('Prod', 'Enabled', 'Suspended').toString() },
    });
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/computed/),
    });
  });

  test("buckets outside the data platform are not this rule's business", () => {
    const bucket = new s3.Bucket(new Stack(testApp(), 'App'), 'Assets');
    expect(verdictOf(rule, bucket).kind).toBe('not-applicable');
  });

  test('a scanned template gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Resources: {
          On: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } },
          Off: { Type: 'AWS::S3::Bucket' },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({ On: 'compliant', Off: 'non-compliant' });
  });
});
