import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as neptune from 'aws-cdk-lib/aws-neptune';
import * as rds from 'aws-cdk-lib/aws-rds';
import rule from '../../../../policies/rules/sf/ServerlessDatabases';
import { templateVerdicts, testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const engine = rds.DatabaseClusterEngine.auroraPostgres({
  version: rds.AuroraPostgresEngineVersion.VER_16_4,
});

function databaseStack() {
  const stack = new Stack(testApp(), 'Lake');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return { stack, vpc };
}

function writerOf(cluster: rds.DatabaseCluster): rds.CfnDBInstance {
  return cluster.node.findAll().find((child) => child instanceof rds.CfnDBInstance) as rds.CfnDBInstance;
}

describe('BIS-SF3 ServerlessDatabases', () => {
  test('an Aurora Serverless v2 cluster and its db.serverless writer are compliant', () => {
    const { stack, vpc } = databaseStack();
    const cluster = new rds.DatabaseCluster(stack, 'Db', {
      engine,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.serverlessV2('writer'),
      serverlessV2MaxCapacity: 4,
    });
    expect(verdictOf(rule, cluster).kind).toBe('compliant');
    expect(verdictOf(rule, writerOf(cluster)).kind).toBe('compliant');
  });

  test('a provisioned Aurora cluster and its writer are one finding, on the cluster, naming the writer and its class', () => {
    const { stack, vpc } = databaseStack();
    const cluster = new rds.DatabaseCluster(stack, 'Db', {
      engine,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.provisioned('writer', {
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
      }),
    });
    expect(verdictOf(rule, cluster)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /no ServerlessV2ScalingConfiguration.*Aurora Serverless v2.* Its instance Dbwriter\w+ \(DBInstanceClass 'db\.r6g\.large'\) is reported with it: give it DBInstanceClass 'db\.serverless'/,
      ),
    });
    expect(verdictOf(rule, writerOf(cluster)).kind).toBe('not-applicable');
  });

  test('a provisioned reader of a serverless cluster is reported on its own', () => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        Cluster: {
          Type: 'AWS::RDS::DBCluster',
          Properties: {
            Engine: 'aurora-postgresql',
            ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
          },
        },
        Writer: {
          Type: 'AWS::RDS::DBInstance',
          Properties: { DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: 'db.serverless' },
        },
        Reader: {
          Type: 'AWS::RDS::DBInstance',
          Properties: { DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: 'db.r6g.large' },
        },
      },
    });
    expect(Object.fromEntries(Object.entries(verdicts).map(([id, verdict]) => [id, verdict.kind]))).toEqual({
      Cluster: 'compliant',
      Writer: 'compliant',
      Reader: 'non-compliant',
    });
  });

  test('a standalone RDS instance is an error that names its engine and class', () => {
    const { stack, vpc } = databaseStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      storageEncrypted: true,
    });
    expect(verdictOf(rule, instance)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /RDS instance \(Engine 'postgres', DBInstanceClass 'db\.t4g\.micro'\).*Aurora Serverless v2/,
      ),
    });
  });

  test('an engine without a serverless edition is a warning to plan the migration', () => {
    const instance = new rds.CfnDBInstance(new Stack(testApp(), 'Lake'), 'Db', {
      engine: 'sqlserver-se',
      dbInstanceClass: 'db.m6i.xlarge',
      storageEncrypted: true,
    });
    expect(verdictOf(rule, instance)).toMatchObject({
      kind: 'non-compliant',
      level: 'warning',
      message: expect.stringMatching(/Engine 'sqlserver-se'.*no serverless edition/),
    });
  });

  test('an instance class chosen by Fn::If is compliant when a branch is db.serverless; a parameter is not judged', () => {
    const stack = new Stack(testApp(), 'Lake');
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const size = new CfnParameter(stack, 'Size', { default: 'db.serverless' });
    const either = new rds.CfnDBInstance(stack, 'Either', {
      dbClusterIdentifier: 'lake',
      engine: 'aurora-postgresql',
      dbInstanceClass: Fn.conditionIf('Prod', 'db.serverless', 'db.r6g.large').toString(),
    });
    const provisioned = new rds.CfnDBInstance(stack, 'Provisioned', {
      dbClusterIdentifier: 'lake',
      engine: 'aurora-postgresql',
      dbInstanceClass: Fn.conditionIf('Prod', 'db.r6g.2xlarge', 'db.r6g.large').toString(),
    });
    const chosen = new rds.CfnDBInstance(stack, 'Chosen', {
      dbClusterIdentifier: 'lake',
      engine: 'aurora-postgresql',
      dbInstanceClass: size.valueAsString,
    });
    expect(verdictOf(rule, either).kind).toBe('compliant');
    expect(verdictOf(rule, provisioned)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/'db\.r6g\.2xlarge' or 'db\.r6g\.large'/),
    });
    expect(verdictOf(rule, chosen).kind).toBe('not-applicable');
  });

  test('DocumentDB and Neptune instances must use db.serverless', () => {
    const stack = new Stack(testApp(), 'Lake');
    const documents = new docdb.CfnDBInstance(stack, 'Docs', {
      dbClusterIdentifier: 'docs',
      dbInstanceClass: 'db.r6g.large',
    });
    const graph = new neptune.CfnDBInstance(stack, 'Graph', { dbInstanceClass: 'db.serverless' });
    expect(verdictOf(rule, documents)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/'db\.r6g\.large'.*DocumentDB Serverless/),
    });
    expect(verdictOf(rule, graph).kind).toBe('compliant');
  });

  test('a scanned template gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Resources: {
          V1: {
            Type: 'AWS::RDS::DBCluster',
            Properties: { Engine: 'aurora-mysql', EngineMode: 'serverless' },
          },
          V2: {
            Type: 'AWS::RDS::DBCluster',
            Properties: {
              Engine: 'aurora-mysql',
              ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
            },
          },
          MultiAz: {
            Type: 'AWS::RDS::DBCluster',
            Properties: { Engine: 'postgres', DBClusterInstanceClass: 'db.m6gd.large' },
          },
          Graph: { Type: 'AWS::Neptune::DBInstance', Properties: { DBInstanceClass: 'db.r5.large' } },
          Classless: { Type: 'AWS::DocDB::DBInstance', Properties: {} },
          Odd: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: ['mysql'], DBInstanceClass: 7 } },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({
      V1: 'compliant',
      V2: 'compliant',
      MultiAz: 'non-compliant',
      Graph: 'non-compliant',
      Classless: 'not-applicable',
      Odd: 'non-compliant',
    });
  });
});
