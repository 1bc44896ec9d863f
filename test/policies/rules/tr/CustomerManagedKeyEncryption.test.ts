import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BisRole } from '../../../../lib/roles';
import rule from '../../../../policies/rules/tr/CustomerManagedKeyEncryption';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function platformStack(context: Record<string, unknown> = {}) {
  // A concrete Region: TableV2 renders per-replica keys only in a Region-specific stack.
  const stack = new Stack(testApp({ context }), 'Lake', {
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  BisRole.of(stack).set('data-platform');
  return stack;
}

const partitionKey = { name: 'id', type: dynamodb.AttributeType.STRING };

describe('BIS-TR1 CustomerManagedKeyEncryption', () => {
  describe('S3 buckets', () => {
    test('a bucket encrypted with its own kms.Key is compliant', () => {
      const stack = platformStack();
      const bucket = new s3.Bucket(stack, 'Raw', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: new kms.Key(stack, 'Key'),
      });
      expect(verdictOf(rule, bucket).kind).toBe('compliant');
    });

    test('s3.BucketEncryption.KMS without a key makes CDK create a customer-managed key, which is compliant', () => {
      const bucket = new s3.Bucket(platformStack(), 'Raw', { encryption: s3.BucketEncryption.KMS });
      expect(verdictOf(rule, bucket).kind).toBe('compliant');
    });

    test('a default bucket (SSE-S3) is an error in a data-platform stack', () => {
      const bucket = new s3.Bucket(platformStack(), 'Raw');
      expect(verdictOf(rule, bucket)).toEqual({
        kind: 'non-compliant',
        level: 'error',
        message:
          'BucketEncryption is not set, so S3 encrypts with SSE-S3, a key owned by AWS, not a customer-managed key.',
      });
    });

    test('the same bucket in an application stack is a warning', () => {
      const bucket = new s3.Bucket(new Stack(testApp(), 'App'), 'Assets');
      expect(verdictOf(rule, bucket)).toMatchObject({ kind: 'non-compliant', level: 'warning' });
    });

    test('SSE-S3 and the AWS-managed aws/s3 key are named in the message', () => {
      const stack = platformStack();
      const sseS3 = new s3.Bucket(stack, 'SseS3', { encryption: s3.BucketEncryption.S3_MANAGED });
      const awsManaged = new s3.Bucket(stack, 'AwsManaged', { encryption: s3.BucketEncryption.KMS_MANAGED });
      const alias = new s3.CfnBucket(stack, 'Alias', {
        bucketEncryption: {
          serverSideEncryptionConfiguration: [
            { serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'alias/aws/s3' } },
          ],
        },
      });
      expect(verdictOf(rule, sseS3)).toMatchObject({
        message: expect.stringMatching(/SSEAlgorithm is 'AES256'/),
      });
      expect(verdictOf(rule, awsManaged)).toMatchObject({
        message: expect.stringMatching(/KMSMasterKeyID is not set, so the AWS-managed key aws\/s3 is used/),
      });
      expect(verdictOf(rule, alias)).toMatchObject({
        message: expect.stringMatching(/AWS-managed key 'alias\/aws\/s3'/),
      });
    });

    test('a key ARN literal, an imported key and a DSSE-KMS key count as customer-managed', () => {
      const stack = platformStack();
      const encrypted = (id: string, sseAlgorithm: string, kmsMasterKeyId: string) =>
        new s3.CfnBucket(stack, id, {
          bucketEncryption: {
            serverSideEncryptionConfiguration: [
              { serverSideEncryptionByDefault: { sseAlgorithm, kmsMasterKeyId } },
            ],
          },
        });
      const arn = encrypted(
        'Arn',
        'aws:kms',
        'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      );
      const imported = encrypted('Imported', 'aws:kms', Fn.importValue('LakeKeyArn'));
      const dsse = encrypted(
        'Dsse',
        'aws:kms:dsse',
        'arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab',
      );
      expect(verdictOf(rule, arn).kind).toBe('compliant');
      expect(verdictOf(rule, imported).kind).toBe('compliant');
      expect(verdictOf(rule, dsse).kind).toBe('compliant');
    });

    test('a key that one Fn::If branch removes is non-compliant', () => {
      const stack = platformStack();
      new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
      const key = new kms.Key(stack, 'Key');
      const bucket = new s3.CfnBucket(stack, 'Raw', {
        bucketEncryption: {
          serverSideEncryptionConfiguration: [
            {
              serverSideEncryptionByDefault: {
                sseAlgorithm: 'aws:kms',
                kmsMasterKeyId: Fn.conditionIf('Prod', key.keyArn, Fn.ref('AWS::NoValue')).toString(),
              },
            },
          ],
        },
      });
      expect(verdictOf(rule, bucket)).toMatchObject({
        kind: 'non-compliant',
        message: expect.stringMatching(/not set/),
      });
    });

    test('a key property pointing at something that is not a KMS key is non-compliant', () => {
      const stack = platformStack();
      const other = new s3.Bucket(stack, 'Other', { encryption: s3.BucketEncryption.KMS });
      const bucket = new s3.CfnBucket(stack, 'Raw', {
        bucketEncryption: {
          serverSideEncryptionConfiguration: [
            { serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: other.bucketArn } },
          ],
        },
      });
      expect(verdictOf(rule, bucket)).toMatchObject({
        message: expect.stringMatching(/AWS::S3::Bucket, not a KMS key/),
      });
    });

    test('a CDK server-access-log bucket (LogDeliveryWrite ACL) is exempt: AWS delivers access logs only to SSE-S3 buckets', () => {
      const stack = platformStack();
      const logs = new s3.Bucket(stack, 'AccessLogs');
      new s3.Bucket(stack, 'Raw', { encryption: s3.BucketEncryption.KMS, serverAccessLogsBucket: logs });
      expect(verdictOf(rule, logs).kind).toBe('not-applicable');
    });

    test('a CDK server-access-log bucket opened by bucket policy is exempt', () => {
      const stack = platformStack({ '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true });
      const logs = new s3.Bucket(stack, 'AccessLogs', { enforceSSL: true });
      new s3.Bucket(stack, 'Raw', { encryption: s3.BucketEncryption.KMS, serverAccessLogsBucket: logs });
      expect(verdictOf(rule, logs).kind).toBe('not-applicable');
      const template = Template.fromStack(stack);
      expect(
        template.toJSON().Resources[stack.getLogicalId(logs.node.defaultChild as s3.CfnBucket)].Properties,
      ).not.toHaveProperty('AccessControl');
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' } }),
          ]),
        },
      });
    });

    test('a scanned template recognises log targets by bucket policy, by literal name and by logging configuration', () => {
      const verdicts = verdictsOfTemplate(
        rule,
        {
          Resources: {
            ByPolicy: { Type: 'AWS::S3::Bucket' },
            ByPolicyPolicy: {
              Type: 'AWS::S3::BucketPolicy',
              Properties: {
                Bucket: { Ref: 'ByPolicy' },
                PolicyDocument: {
                  Statement: [
                    {
                      Effect: 'Allow',
                      Principal: { Service: 'logging.s3.amazonaws.com' },
                      Action: 's3:PutObject',
                    },
                  ],
                },
              },
            },
            ByName: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'lake-access-logs' } },
            ByRef: { Type: 'AWS::S3::Bucket' },
            Source: {
              Type: 'AWS::S3::Bucket',
              Properties: {
                LoggingConfiguration: { DestinationBucketName: 'lake-access-logs' },
                BucketEncryption: {
                  ServerSideEncryptionConfiguration: [
                    {
                      ServerSideEncryptionByDefault: {
                        SSEAlgorithm: 'aws:kms',
                        KMSMasterKeyID: { Ref: 'Key' },
                      },
                    },
                  ],
                },
              },
            },
            Other: {
              Type: 'AWS::S3::Bucket',
              Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: 'ByRef' } } },
            },
            Key: { Type: 'AWS::KMS::Key' },
          },
        },
        'data-platform',
      );
      expect(verdicts).toEqual({
        ByPolicy: 'not-applicable',
        ByName: 'not-applicable',
        ByRef: 'not-applicable',
        Source: 'compliant',
        Other: 'non-compliant',
      });
    });
  });

  describe('DynamoDB tables', () => {
    test('a table with a customer-managed key is compliant; AWS-managed and AWS-owned keys are not', () => {
      const stack = platformStack();
      const cmk = new dynamodb.Table(stack, 'Cmk', {
        partitionKey,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: new kms.Key(stack, 'Key'),
      });
      const awsManaged = new dynamodb.Table(stack, 'AwsManaged', {
        partitionKey,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
      });
      const awsOwned = new dynamodb.Table(stack, 'AwsOwned', { partitionKey });
      expect(verdictOf(rule, cmk).kind).toBe('compliant');
      expect(verdictOf(rule, awsManaged)).toMatchObject({ message: expect.stringMatching(/aws\/dynamodb/) });
      expect(verdictOf(rule, awsOwned)).toMatchObject({ message: expect.stringMatching(/AWS-owned key/) });
    });

    test('a TableV2 (global table) is judged replica by replica', () => {
      const stack = platformStack();
      const cmk = new dynamodb.TableV2(stack, 'Cmk', {
        partitionKey,
        encryption: dynamodb.TableEncryptionV2.customerManagedKey(new kms.Key(stack, 'Key')),
      });
      const owned = new dynamodb.TableV2(stack, 'Owned', { partitionKey });
      expect(verdictOf(rule, cmk).kind).toBe('compliant');
      expect(verdictOf(rule, owned).kind).toBe('non-compliant');
    });

    test('a SAM SimpleTable passes SSESpecification to DynamoDB and is judged the same way', () => {
      const verdicts = verdictsOfTemplate(
        rule,
        {
          Transform: 'AWS::Serverless-2016-10-31',
          Resources: {
            Key: { Type: 'AWS::KMS::Key' },
            Cmk: {
              Type: 'AWS::Serverless::SimpleTable',
              Properties: {
                SSESpecification: { SSEEnabled: true, KMSMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
              },
            },
            Enabled: {
              Type: 'AWS::Serverless::SimpleTable',
              Properties: { SSESpecification: { SSEEnabled: true } },
            },
            Plain: { Type: 'AWS::Serverless::SimpleTable' },
            Replicas: {
              Type: 'AWS::DynamoDB::GlobalTable',
              Properties: {
                SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
                Replicas: [
                  { Region: 'eu-west-1', SSESpecification: { KMSMasterKeyId: { Ref: 'Key' } } },
                  { Region: 'eu-west-3' },
                ],
              },
            },
          },
        },
        'data-platform',
      );
      expect(verdicts).toEqual({
        Cmk: 'compliant',
        Enabled: 'non-compliant',
        Plain: 'non-compliant',
        Replicas: 'non-compliant',
      });
    });
  });

  describe('databases, file systems and search domains', () => {
    test('an Aurora cluster with its own key is compliant and its instances are judged through it', () => {
      const stack = platformStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      const cluster = new rds.DatabaseCluster(stack, 'Db', {
        engine: rds.DatabaseClusterEngine.auroraPostgres({
          version: rds.AuroraPostgresEngineVersion.VER_16_4,
        }),
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        storageEncryptionKey: new kms.Key(stack, 'Key'),
      });
      const writer = cluster.node.findChild('Writer').node.defaultChild as rds.CfnDBInstance;
      expect(verdictOf(rule, cluster).kind).toBe('compliant');
      expect(verdictOf(rule, writer).kind).toBe('not-applicable');
    });

    test('an unencrypted or AWS-key database is non-compliant, naming StorageEncrypted or aws/rds', () => {
      const stack = platformStack();
      const plain = new rds.CfnDBCluster(stack, 'Plain', { engine: 'aurora-postgresql' });
      const awsKey = new rds.CfnDBInstance(stack, 'AwsKey', { engine: 'postgres', storageEncrypted: true });
      expect(verdictOf(rule, plain)).toMatchObject({
        message: expect.stringMatching(/StorageEncrypted is not set/),
      });
      expect(verdictOf(rule, awsKey)).toMatchObject({ message: expect.stringMatching(/aws\/rds/) });
    });

    test('storage encryption chosen by a condition cannot be proven', () => {
      const stack = platformStack();
      new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
      const cluster = new rds.CfnDBCluster(stack, 'Db', {
        engine: 'aurora-postgresql',
        storageEncrypted: Fn.conditionIf('Prod', true, false),
        kmsKeyId: new kms.Key(stack, 'Key').keyArn,
      });
      expect(verdictOf(rule, cluster)).toMatchObject({
        kind: 'non-compliant',
        message: expect.stringMatching(/computed/),
      });
    });

    test('EFS and OpenSearch with their own key are compliant; EFS on the default key is not', () => {
      const stack = platformStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      const key = new kms.Key(stack, 'Key');
      const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
      const own = new efs.FileSystem(stack, 'Own', { vpc, vpcSubnets: subnets, kmsKey: key });
      const awsKey = new efs.FileSystem(stack, 'AwsKey', { vpc, vpcSubnets: subnets });
      const domain = new opensearch.Domain(stack, 'Search', {
        version: opensearch.EngineVersion.OPENSEARCH_2_11,
        encryptionAtRest: { enabled: true, kmsKey: key },
      });
      expect(verdictOf(rule, own).kind).toBe('compliant');
      expect(verdictOf(rule, awsKey)).toMatchObject({
        message: expect.stringMatching(/aws\/elasticfilesystem/),
      });
      expect(verdictOf(rule, domain).kind).toBe('compliant');
    });

    test('a scanned template: DocumentDB, Neptune, Timestream, OpenSearch Serverless and Glue', () => {
      const verdicts = verdictsOfTemplate(
        rule,
        {
          Resources: {
            Key: { Type: 'AWS::KMS::Key' },
            Docs: {
              Type: 'AWS::DocDB::DBCluster',
              Properties: { StorageEncrypted: true, KmsKeyId: { Ref: 'Key' } },
            },
            DocsInstance: {
              Type: 'AWS::DocDB::DBInstance',
              Properties: { DBClusterIdentifier: { Ref: 'Docs' } },
            },
            Graph: { Type: 'AWS::Neptune::DBCluster', Properties: { StorageEncrypted: true } },
            Series: {
              Type: 'AWS::Timestream::Database',
              Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
            },
            SeriesTable: { Type: 'AWS::Timestream::Table', Properties: { DatabaseName: { Ref: 'Series' } } },
            Catalog: {
              Type: 'AWS::Glue::Database',
              Properties: { CatalogId: '111111111111', DatabaseInput: {} },
            },
            Vectors: { Type: 'AWS::OpenSearchServerless::Collection', Properties: { Name: 'lake-vectors' } },
            Logs: { Type: 'AWS::OpenSearchServerless::Collection', Properties: { Name: 'app-logs' } },
            Orphan: { Type: 'AWS::OpenSearchServerless::Collection', Properties: { Name: 'orphan' } },
            LakeEncryption: {
              Type: 'AWS::OpenSearchServerless::SecurityPolicy',
              Properties: {
                Type: 'encryption',
                Name: 'lake',
                Policy: JSON.stringify({
                  Rules: [{ ResourceType: 'collection', Resource: ['collection/lake-*'] }],
                  KmsARN: 'arn:aws:kms:eu-west-1:111111111111:key/abc',
                }),
              },
            },
            AppEncryption: {
              Type: 'AWS::OpenSearchServerless::SecurityPolicy',
              Properties: {
                Type: 'encryption',
                Name: 'app',
                Policy:
                  '{"Rules":[{"ResourceType":"collection","Resource":["collection/app-logs"]}],"AWSOwnedKey":true}',
              },
            },
          },
        },
        'data-platform',
      );
      expect(verdicts).toEqual({
        Docs: 'compliant',
        DocsInstance: 'not-applicable',
        Graph: 'non-compliant',
        Series: 'compliant',
        SeriesTable: 'not-applicable',
        Catalog: 'not-applicable',
        Vectors: 'compliant',
        Logs: 'non-compliant',
        Orphan: 'non-compliant',
      });
    });

    test('malformed properties give a verdict, never an exception', () => {
      const junk = ['x', 3, null, [], { 'Fn::If': ['C', 'a'] }, { Ref: 'Missing' }];
      const resources: Record<string, unknown> = {};
      for (const [i, value] of junk.entries()) {
        resources[`Bucket${i}`] = {
          Type: 'AWS::S3::Bucket',
          Properties: { BucketEncryption: value, LoggingConfiguration: value },
        };
        resources[`Table${i}`] = {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: { SSESpecification: value, Replicas: value },
        };
        resources[`Db${i}`] = {
          Type: 'AWS::RDS::DBCluster',
          Properties: { StorageEncrypted: true, KmsKeyId: value },
        };
        resources[`Search${i}`] = {
          Type: 'AWS::OpenSearchServerless::Collection',
          Properties: { Name: value },
        };
      }
      expect(() => verdictsOfTemplate(rule, { Resources: resources }, 'data-platform')).not.toThrow();
    });
  });
});
