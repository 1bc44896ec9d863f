import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import rule from '../../../../policies/rules/tr/BucketTlsOnly';
import { testApp, templateVerdicts, verdictOf } from '../../harness';

const stack = () => new Stack(testApp(), 'Lake');

/** A Deny of s3:* to everyone without TLS, on the given resources. */
const tlsDenyOn = (...resources: string[]) =>
  new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    actions: ['s3:*'],
    resources,
    principals: [new iam.AnyPrincipal()],
    conditions: { Bool: { 'aws:SecureTransport': 'false' } },
  });

const literalBucket = (resource: unknown) => ({
  Resources: {
    Raw: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'lake-raw' } },
    RawPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: 'lake-raw',
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: resource,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
  },
});

describe('BIS-TR4 the TLS deny covers the whole bucket', () => {
  test('a TLS deny on the bucket ARN and one prefix leaves the other objects open', () => {
    const bucket = new s3.Bucket(stack(), 'Raw');
    bucket.addToResourcePolicy(tlsDenyOn(bucket.bucketArn, bucket.arnForObjects('landing/*')));
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining(
        "denies aws:SecureTransport 'false' on the bucket ARN but not every object",
      ),
    });
  });

  test('a TLS deny on the objects ARN alone leaves the bucket-level calls open', () => {
    const bucket = new s3.Bucket(stack(), 'Raw');
    bucket.addToResourcePolicy(tlsDenyOn(bucket.arnForObjects('*')));
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /on objects but not the bucket ARN itself .*every object \(`<bucket ARN>\/\*`\)/,
      ),
    });
  });

  test('a TLS deny on the bucket ARN and every object is compliant', () => {
    const bucket = new s3.Bucket(stack(), 'Raw');
    bucket.addToResourcePolicy(tlsDenyOn(bucket.bucketArn, bucket.arnForObjects('*')));
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test.each([
    ['a wildcard that matches the bucket and its keys', 'arn:aws:s3:::lake-raw*', 'compliant'],
    ['every resource', '*', 'compliant'],
    ['every S3 ARN', 'arn:aws:s3:::*', 'compliant'],
    [
      'the bucket and every object, literally',
      ['arn:aws:s3:::lake-raw', 'arn:aws:s3:::lake-raw/*'],
      'compliant',
    ],
    [
      'the bucket and one prefix, literally',
      ['arn:aws:s3:::lake-raw', 'arn:aws:s3:::lake-raw/logs/*'],
      'non-compliant',
    ],
    ['the objects alone, literally', 'arn:aws:s3:::lake-raw/*', 'non-compliant'],
    ['the bucket alone, literally', 'arn:aws:s3:::lake-raw', 'non-compliant'],
    [
      'another bucket whose name starts the same',
      ['arn:aws:s3:::lake-raw-2', 'arn:aws:s3:::lake-raw-2/*'],
      'non-compliant',
    ],
  ])('a scanned template: a TLS deny on %s', (_, resource, expected) => {
    expect(templateVerdicts(rule, literalBucket(resource)).Raw.kind).toBe(expected);
  });

  test('a scanned template: ARNs built with Fn::Join and Fn::Sub from the bucket reference cover it', () => {
    const template = literalBucket([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Raw' }]] },
      { 'Fn::Sub': '${Raw.Arn}/*' },
    ]);
    template.Resources.RawPolicy.Properties.Bucket = { Ref: 'Raw' } as never;
    expect(templateVerdicts(rule, template).Raw.kind).toBe('compliant');
  });
});

describe('BIS-TR4 one bucket policy per bucket', () => {
  test('two bucket policies on one bucket are an error even when one holds the TLS deny', () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Raw', { enforceSSL: true });
    const second = new s3.BucketPolicy(s, 'ReaderPolicy', { bucket });
    second.document.addStatements(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        principals: [new iam.AccountRootPrincipal()],
      }),
    );
    const ids = [bucket.policy!, second].map((policy) =>
      s.getLogicalId(policy.node.defaultChild as s3.CfnBucketPolicy),
    );
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining(
        `The bucket has 2 AWS::S3::BucketPolicy resources (${ids.join(', ')}); S3 keeps one policy per bucket and the last one written replaces the others`,
      ),
    });
  });

  test('a scanned template: a policy by reference and one by name on the same bucket are two policies', () => {
    const template = literalBucket(['arn:aws:s3:::lake-raw', 'arn:aws:s3:::lake-raw/*']);
    const resources: Record<string, unknown> = template.Resources;
    resources.ByRefPolicy = {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'Raw' }, PolicyDocument: { Statement: [] } },
    };
    expect(templateVerdicts(rule, template).Raw).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('2 AWS::S3::BucketPolicy resources'),
    });
  });
});
