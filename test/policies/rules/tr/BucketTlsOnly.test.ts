import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import rule from '../../../../policies/rules/tr/BucketTlsOnly';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const stack = () => new Stack(testApp(), 'Lake');

const tlsDeny = (bucket: string, condition: object, action: unknown = 's3:*') => ({
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: action,
  Resource: [
    { 'Fn::GetAtt': [bucket, 'Arn'] },
    { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
  ],
  Condition: condition,
});

describe('BIS-TR4 BucketTlsOnly', () => {
  test('enforceSSL: true renders a TLS-only bucket policy and is compliant', () => {
    const bucket = new s3.Bucket(stack(), 'Raw', { enforceSSL: true });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('enforceSSL with minimumTLSVersion 1.2 is compliant', () => {
    const bucket = new s3.Bucket(stack(), 'Raw', { enforceSSL: true, minimumTLSVersion: 1.2 });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a bucket without any bucket policy is an error', () => {
    const bucket = new s3.Bucket(stack(), 'Raw');
    expect(verdictOf(rule, bucket)).toEqual({
      kind: 'non-compliant',
      message:
        'No AWS::S3::BucketPolicy in the stack applies to the bucket, so nothing denies plain-HTTP requests.',
    });
  });

  test('a bucket policy without the TLS deny is an error naming the policy', () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Raw');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        principals: [new iam.AccountRootPrincipal()],
      }),
    );
    const policyId = s.getLogicalId(bucket.policy!.node.defaultChild as s3.CfnBucketPolicy);
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining(`The bucket policy ${policyId} has no Deny statement`),
    });
  });

  test('a TLS deny that only covers some actions does not count', () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Raw');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        principals: [new iam.AnyPrincipal()],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(verdictOf(rule, bucket).kind).toBe('non-compliant');
  });

  test('a TLS deny that an Fn::If removes in some deployments does not count', () => {
    const s = stack();
    new CfnCondition(s, 'Strict', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const bucket = new s3.CfnBucket(s, 'Raw');
    const deny = {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [bucket.attrArn, Fn.join('', [bucket.attrArn, '/*'])],
      Condition: { Bool: { 'aws:SecureTransport': false } },
    };
    new s3.CfnBucketPolicy(s, 'Policy', {
      bucket: bucket.ref,
      policyDocument: { Statement: [Fn.conditionIf('Strict', deny, Fn.ref('AWS::NoValue'))] },
    });
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/only under an Fn::If/),
    });
  });

  test('a bucket and its policy named by the same Fn::Sub template are linked (AWS sample style)', () => {
    const name = { 'Fn::Sub': '${AppName}-${AWS::Region}-${AWS::AccountId}' };
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: name } },
        NamedPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: name,
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Deny',
                  Principal: { AWS: '*' },
                  Action: 's3:*',
                  Resource: [
                    { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${AppName}-${AWS::Region}-${AWS::AccountId}' },
                    { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${AppName}-${AWS::Region}-${AWS::AccountId}/*' },
                  ],
                  Condition: { Bool: { 'aws:SecureTransport': false } },
                },
              ],
            },
          },
        },
        Other: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AppName}-other' } } },
      },
    });
    expect(verdicts).toEqual({ Named: 'compliant', Other: 'non-compliant' });
  });

  test('a scanned template: boolean and string conditions, TLS version, literal names, other buckets', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        BoolFalse: { Type: 'AWS::S3::Bucket' },
        BoolFalsePolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'BoolFalse' },
            PolicyDocument: {
              Statement: [tlsDeny('BoolFalse', { Bool: { 'aws:SecureTransport': false } }, '*')],
            },
          },
        },
        TlsVersion: { Type: 'AWS::S3::Bucket' },
        TlsVersionPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'TlsVersion' },
            PolicyDocument: {
              Statement: [tlsDeny('TlsVersion', { NumericLessThan: { 's3:TlsVersion': '1.2' } })],
            },
          },
        },
        ByName: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'lake-raw' } },
        ByNamePolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: 'lake-raw',
            PolicyDocument: {
              Statement: {
                Effect: 'Deny',
                Principal: '*',
                Action: ['s3:*'],
                Resource: ['arn:aws:s3:::lake-raw', 'arn:aws:s3:::lake-raw/*'],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            },
          },
        },
        WrongBucket: { Type: 'AWS::S3::Bucket' },
        WrongBucketPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'WrongBucket' },
            PolicyDocument: {
              Statement: [tlsDeny('BoolFalse', { Bool: { 'aws:SecureTransport': 'false' } })],
            },
          },
        },
        Computed: { Type: 'AWS::S3::Bucket' },
        ComputedPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: { Bucket: { Ref: 'Computed' }, PolicyDocument: { 'Fn::ImportValue': 'SharedPolicy' } },
        },
      },
    });
    expect(verdicts).toEqual({
      BoolFalse: 'compliant',
      TlsVersion: 'compliant',
      ByName: 'compliant',
      WrongBucket: 'non-compliant',
      Computed: 'non-compliant',
    });
  });
});
