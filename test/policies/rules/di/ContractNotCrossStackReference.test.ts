import { Fn, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BisRole, type BisRoleName } from '../../../../lib/roles';
import { indexTemplates } from '../../../../policies/engine/app-index';
import rule from '../../../../policies/rules/di/ContractNotCrossStackReference';
import { testApp, verdictOf } from '../../harness';

/** A data-platform stack with a bucket, and a consumer stack of the given role beside it. */
function lakeAndConsumer(consumerRole?: BisRoleName) {
  const app = testApp();
  const lake = new Stack(app, 'Lake');
  BisRole.of(lake).set('data-platform');
  const bucket = new s3.Bucket(lake, 'Raw', { versioned: true });
  const consumer = new Stack(app, 'Orders');
  if (consumerRole) BisRole.of(consumer).set(consumerRole);
  return { lake, bucket, consumer };
}

function handler(stack: Stack, environment: Record<string, string>) {
  return new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment,
  });
}

describe('BIS-DI3 ContractNotCrossStackReference', () => {
  test('an application that uses lakeStack.bucket.bucketName (a strong reference) is an error naming the export', () => {
    const { bucket, consumer } = lakeAndConsumer();
    const fn = handler(consumer, { BUCKET_NAME: bucket.bucketName });
    expect(verdictOf(rule, fn)).toEqual({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^Fn::ImportValue of data-platform stack Lake: 'Lake:ExportsOutputRefRaw\w+' \(Environment\.Variables\.BUCKET_NAME\)\. Use DataLakeContract \/ SSM contract parameters instead of cross-stack references\.$/,
      ),
    });
  });

  test('an application that reads the contract from an SSM parameter is compliant', () => {
    const { consumer } = lakeAndConsumer();
    const fn = handler(consumer, {
      BUCKET_NAME: ssm.StringParameter.valueForStringParameter(consumer, '/bis/lake/raw-bucket-name'),
    });
    expect(verdictOf(rule, fn).kind).toBe('compliant');
  });

  test('an import whose export cannot be attributed to the lake is not a finding', () => {
    const { consumer } = lakeAndConsumer();
    const fn = handler(consumer, {
      SHARED_NAME: Fn.importValue('SharedBucketName'),
      COMPUTED_NAME: Fn.importValue(Fn.sub('${AWS::StackName}-bucket')),
    });
    expect(verdictOf(rule, fn).kind).toBe('compliant');
  });

  test("an infrastructure stack referencing the lake is not this rule's business", () => {
    const { bucket, consumer } = lakeAndConsumer('infrastructure');
    const fn = handler(consumer, { BUCKET_NAME: bucket.bucketName });
    expect(verdictOf(rule, fn).kind).toBe('not-applicable');
  });

  test('scanned templates: a SAM function importing a lake export is an error', () => {
    const index = indexTemplates([
      {
        path: 'lake.json',
        role: 'data-platform',
        template: {
          Resources: { Raw: { Type: 'AWS::S3::Bucket' } },
          Outputs: { RawName: { Value: { Ref: 'Raw' }, Export: { Name: 'LakeRawBucketName' } } },
        },
      },
      {
        path: 'orders.json',
        role: 'application',
        template: {
          Resources: {
            Ingest: {
              Type: 'AWS::Serverless::Function',
              Properties: {
                Policies: [{ S3ReadPolicy: { BucketName: { 'Fn::ImportValue': 'LakeRawBucketName' } } }],
              },
            },
          },
        },
      },
    ]);
    const ingest = index.resources.find((resource) => resource.logicalId === 'Ingest')!;
    expect(rule.check(ingest, index)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining("'LakeRawBucketName' (Policies[0].S3ReadPolicy.BucketName)"),
    });
  });

  test('malformed imports never throw and prove nothing', () => {
    const index = indexTemplates([
      {
        path: 'orders.json',
        role: 'application',
        template: {
          Resources: {
            Odd: {
              Type: 'AWS::SSM::Parameter',
              Properties: { Value: { 'Fn::ImportValue': ['a', 'b'] }, Tags: 'x' },
            },
          },
        },
      },
    ]);
    expect(rule.check(index.resources[0], index).kind).toBe('compliant');
  });
});
