import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { App } from 'aws-cdk-lib';
import { BisRole, type BisRoleName } from '../../../../lib/roles';
import rule from '../../../../policies/rules/di/DataStoresOnlyInDataPlatform';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function stackWithRole(role: BisRoleName | undefined, app: App = testApp(), id = 'Stack') {
  const stack = new Stack(app, id);
  if (role) BisRole.of(stack).set(role);
  return stack;
}

describe('BIS-DI1 DataStoresOnlyInDataPlatform', () => {
  test('a bucket in a data-platform stack is compliant', () => {
    const bucket = new s3.Bucket(stackWithRole('data-platform'), 'Raw');
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a bucket in an untagged (application) stack is an error naming the type, the role and the fix', () => {
    const bucket = new s3.Bucket(stackWithRole(undefined), 'Uploads');
    expect(verdictOf(rule, bucket)).toEqual({
      kind: 'non-compliant',
      message:
        "AWS::S3::Bucket is a persistent data store in application stack Stack; keep files in the lake instead: DataLake.fromLakeName(this, 'Lake', '<lakeName>').grantWrite(fn, { kinds }) for uploads to the landing zone, grantRead for curated data.",
    });
  });

  test('a DynamoDB table in an infrastructure stack is an error', () => {
    const table = new dynamodb.TableV2(stackWithRole('infrastructure'), 'Sessions', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    expect(verdictOf(rule, table)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^AWS::DynamoDB::GlobalTable is a persistent data store in infrastructure stack Stack; declare the table in the DataLakeStack with lake\.addTable\('<Id>', \{ tableName, partitionKey \}\) and reach it with DataLake\.fromLakeName\(this, 'Lake', '<lakeName>'\)\.table\('<tableName>'\)/,
      ),
    });
  });

  test('an Aurora cluster gives one finding, on the cluster, not on its instances', () => {
    const stack = stackWithRole('application');
    const cluster = new rds.CfnDBCluster(stack, 'Orders', { engine: 'aurora-postgresql' });
    const writer = new rds.CfnDBInstance(stack, 'Writer', {
      engine: 'aurora-postgresql',
      dbInstanceClass: 'db.r6g.large',
      dbClusterIdentifier: cluster.ref,
    });
    expect(verdictOf(rule, cluster)).toMatchObject({
      message: expect.stringMatching(/^AWS::RDS::DBCluster/),
    });
    expect(verdictOf(rule, writer).kind).toBe('not-applicable');
  });

  test('a standalone RDS instance is an error of its own', () => {
    const db = new rds.CfnDBInstance(stackWithRole('application'), 'Legacy', {
      engine: 'postgres',
      dbInstanceClass: 'db.t4g.micro',
      allocatedStorage: '20',
      storageEncrypted: true,
    });
    expect(verdictOf(rule, db)).toMatchObject({ message: expect.stringMatching(/^AWS::RDS::DBInstance/) });
  });

  test('a cluster identifier given as a parameter still makes the instance a cluster member', () => {
    const stack = stackWithRole('application');
    const clusterId = new CfnParameter(stack, 'ClusterId', { type: 'String' });
    const reader = new rds.CfnDBInstance(stack, 'Reader', {
      engine: 'aurora-postgresql',
      dbInstanceClass: 'db.r6g.large',
      dbClusterIdentifier: clusterId.valueAsString,
    });
    expect(verdictOf(rule, reader).kind).toBe('not-applicable');
  });

  test('a Glue table beside its database is reported once, on the database', () => {
    const stack = stackWithRole('application');
    const database = new glue.CfnDatabase(stack, 'Catalog', {
      catalogId: stack.account,
      databaseInput: { name: 'sales' },
    });
    const table = new glue.CfnTable(stack, 'Orders', {
      catalogId: stack.account,
      databaseName: database.ref,
      tableInput: { name: 'orders' },
    });
    expect(verdictOf(rule, database)).toMatchObject({
      message: expect.stringMatching(/^AWS::Glue::Database/),
    });
    expect(verdictOf(rule, table).kind).toBe('not-applicable');
  });

  test('a Glue table added by an application to an imported database is an error', () => {
    const stack = stackWithRole('application');
    const table = new glue.CfnTable(stack, 'Orders', {
      catalogId: stack.account,
      databaseName: Fn.importValue('LakeCatalogDatabaseName'),
      tableInput: { name: 'orders' },
    });
    expect(verdictOf(rule, table)).toMatchObject({
      message: expect.stringMatching(/^AWS::Glue::Table is a persistent data store/),
    });
  });

  test('a scanned SAM template gets the same verdicts for SimpleTable', () => {
    const template = {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Table: {
          Type: 'AWS::Serverless::SimpleTable',
          Properties: { PrimaryKey: { Name: 'id', Type: 'String' } },
        },
        Files: { Type: 'AWS::EFS::FileSystem' },
      },
    };
    expect(verdictsOfTemplate(rule, template, 'application')).toEqual({
      Table: 'non-compliant',
      Files: 'non-compliant',
    });
    expect(verdictsOfTemplate(rule, template, 'data-platform')).toEqual({
      Table: 'compliant',
      Files: 'compliant',
    });
  });

  test('malformed properties never throw: the store is still judged by its type', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Db: { Type: 'AWS::RDS::DBInstance', Properties: 'not-an-object' },
        Table: { Type: 'AWS::Glue::Table', Properties: { DatabaseName: { 'Fn::If': 'not-a-list' } } },
      },
    });
    expect(verdicts).toEqual({ Db: 'non-compliant', Table: 'non-compliant' });
  });
});
