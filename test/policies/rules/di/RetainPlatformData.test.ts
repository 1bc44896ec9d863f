import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BisRole } from '../../../../lib/roles';
import { indexTemplates } from '../../../../policies/engine/app-index';
import rule from '../../../../policies/rules/di/RetainPlatformData';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function platformStack() {
  const stack = new Stack(testApp(), 'Lake');
  BisRole.of(stack).set('data-platform');
  return stack;
}

describe('BIS-DI4 RetainPlatformData', () => {
  test("a bucket with CDK's default removal policy (Retain) is compliant", () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw');
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a destroyable, auto-emptied bucket is an error naming both policies and the auto-delete resource', () => {
    const bucket = new s3.Bucket(platformStack(), 'Raw', {
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    expect(verdictOf(rule, bucket)).toEqual({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The data-platform AWS::S3::Bucket can lose its data: DeletionPolicy is 'Delete'; UpdateReplacePolicy is 'Delete'; objects are auto-deleted with the stack \(Custom::S3AutoDeleteObjects RawAutoDeleteObjectsCustomResource\w+\)\.$/,
      ),
    });
  });

  test('an auto-delete-objects tag alone (a scanned template) is an error even with Retain', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Resources: {
          Tagged: {
            Type: 'AWS::S3::Bucket',
            DeletionPolicy: 'Retain',
            UpdateReplacePolicy: 'Retain',
            Properties: { Tags: [{ Key: 'aws-cdk:auto-delete-objects', Value: 'true' }] },
          },
          Kept: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({ Tagged: 'non-compliant', Kept: 'compliant' });
  });

  test('an L1 table without policies is an error: CloudFormation deletes it by default', () => {
    const table = new dynamodb.CfnTable(platformStack(), 'Events', {
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
    });
    expect(verdictOf(rule, table)).toMatchObject({
      message: expect.stringContaining(
        "DeletionPolicy is absent, so CloudFormation's default 'Delete' applies",
      ),
    });
  });

  test('an RDS cluster without DeletionPolicy is snapshotted by default and compliant', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Resources: {
          Catalog: {
            Type: 'AWS::RDS::DBCluster',
            UpdateReplacePolicy: 'Snapshot',
            Properties: { Engine: 'aurora-postgresql' },
          },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({ Catalog: 'compliant' });
  });

  test('Snapshot on a type that cannot be snapshotted is named in the message', () => {
    const index = indexTemplates([
      {
        path: 'lake.json',
        role: 'data-platform',
        template: {
          Resources: {
            Raw: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Retain' },
          },
        },
      },
    ]);
    expect(rule.check(index.resources[0], index)).toEqual({
      kind: 'non-compliant',
      message:
        "The data-platform AWS::S3::Bucket can lose its data: DeletionPolicy is 'Snapshot', which AWS::S3::Bucket does not support; use 'Retain'.",
    });
  });

  test('an instance of a cluster is judged through its cluster', () => {
    const stack = platformStack();
    const cluster = new rds.CfnDBCluster(stack, 'Catalog', { engine: 'aurora-postgresql' });
    cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    const writer = new rds.CfnDBInstance(stack, 'Writer', {
      engine: 'aurora-postgresql',
      dbInstanceClass: 'db.r6g.large',
      dbClusterIdentifier: cluster.ref,
    });
    expect(verdictOf(rule, writer).kind).toBe('not-applicable');
  });

  test('a DeletionPolicy chosen by Fn::If cannot be proven and is judged as the default Delete', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Conditions: { Prod: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '111111111111'] } },
        Resources: {
          Curated: {
            Type: 'AWS::S3::Bucket',
            DeletionPolicy: { 'Fn::If': ['Prod', 'Retain', 'Delete'] },
            UpdateReplacePolicy: 'Retain',
          },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({ Curated: 'non-compliant' });
  });

  test('scanned SAM SimpleTables get the same verdicts', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: {
          Kept: {
            Type: 'AWS::Serverless::SimpleTable',
            DeletionPolicy: 'Retain',
            UpdateReplacePolicy: 'Retain',
          },
          Lost: { Type: 'AWS::Serverless::SimpleTable' },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({ Kept: 'compliant', Lost: 'non-compliant' });
  });

  test('stores outside the data platform are left to BIS-DI1', () => {
    const bucket = new s3.Bucket(new Stack(testApp(), 'App'), 'Uploads', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    expect(verdictOf(rule, bucket).kind).toBe('not-applicable');
  });

  test('malformed tags and policies never throw: a non-string DeletionPolicy reads as absent', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Resources: {
          Raw: {
            Type: 'AWS::S3::Bucket',
            DeletionPolicy: 7,
            UpdateReplacePolicy: 'Retain',
            Properties: { Tags: 'x' },
          },
          Emptier: {
            Type: 'Custom::S3AutoDeleteObjects',
            Properties: { BucketName: { 'Fn::If': 'not-a-list' } },
          },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({ Raw: 'non-compliant' });
  });
});
