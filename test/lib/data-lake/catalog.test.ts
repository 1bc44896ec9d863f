import { RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ALLOW_DATA_DESTRUCTION_CONTEXT,
  DataLakeContract,
  DataLakeStack,
  LakeCatalog,
  ZONES,
} from '../../../lib/data-lake';
import {
  arnInStack,
  GLUE_READ_ACTIONS,
  keyArnOf,
  lakeApp,
  synthLake,
  VIA_S3_IN_STACK_REGION,
} from './lake-fixture';
import { rolePolicyStatements } from '../../support';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The one workgroup of a synthesized lake. */
function workGroupOf(template: Template): Record<string, unknown> {
  const groups = Object.values(template.findResources('AWS::Athena::WorkGroup'));
  expect(groups).toHaveLength(1);
  return groups[0] as Record<string, unknown>;
}

function configurationOf(template: Template): Record<string, unknown> {
  return (workGroupOf(template).Properties as { WorkGroupConfiguration: Record<string, unknown> })
    .WorkGroupConfiguration;
}

/** The statements of the identity policy of `role` in its stack. */
function statementsOf(stack: Stack, role: iam.Role): Statement[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  return rolePolicyStatements(Template.fromStack(stack), roleId) as Statement[];
}

describe('the lake catalog', () => {
  const lake = synthLake();

  test.each(ZONES.map((zone) => [zone]))(
    'the %s zone has a Glue database named after the lake, retained with the data',
    (zone) => {
      const database = lake.resourceOf(lake.stack.lake.catalog.databases[zone]);
      expect(database.Properties).toEqual({
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseInput: {
          Name: `enterprise_${zone}`,
          Description: `cdk-bis data lake enterprise: structured and geographic tables of the ${zone} zone`,
        },
      });
      expect(database.DeletionPolicy).toBe('Retain');
      expect(database.UpdateReplacePolicy).toBe('Retain');
      expect(lake.stack.lake.glueDatabaseName(zone)).toBe(`enterprise_${zone}`);
    },
  );

  test('hyphens in the lake name become underscores in database names', () => {
    const other = synthLake({ lakeName: 'sales-eu' });
    for (const zone of ZONES) {
      other.template.hasResourceProperties('AWS::Glue::Database', {
        DatabaseInput: { Name: `sales_eu_${zone}` },
      });
    }
    other.template.resourceCountIs('AWS::Glue::Database', ZONES.length);
  });
});

describe('the lake workgroup', () => {
  const lake = synthLake();

  test('runs engine v3 with enforced settings: results under results/ with SSE-KMS and the lake key, 10 GiB cutoff', () => {
    const group = workGroupOf(lake.template);
    expect(group.DeletionPolicy).toBe('Retain');
    expect(group.Properties).toMatchObject({
      Name: 'cdk-bis-enterprise',
      State: 'ENABLED',
      RecursiveDeleteOption: false,
    });
    expect(configurationOf(lake.template)).toEqual({
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
      BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      ResultConfiguration: {
        OutputLocation: {
          'Fn::Join': ['', ['s3://', { Ref: lake.idOf(lake.stack.lake.queryResultsBucket) }, '/results/']],
        },
        EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: keyArnOf(lake) },
        ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
      },
    });
    expect(lake.stack.lake.workGroupName).toBe('cdk-bis-enterprise');
  });

  test('carries the cost-allocation tags', () => {
    const tags = (workGroupOf(lake.template).Properties as { Tags: { Key: string }[] }).Tags;
    expect(tags.map((tag) => tag.Key)).toEqual(expect.arrayContaining(['bis:cost-center', 'bis:owner']));
  });

  test('the contract publishes the database names, the workgroup name and the results location', () => {
    const published = Object.values(lake.template.findResources('AWS::SSM::Parameter')).map(
      (parameter) => [parameter.Properties.Name, parameter.Properties.Value] as [string, unknown],
    );
    expect(published).toEqual(
      expect.arrayContaining([
        ...ZONES.map((zone) => [`/cdk-bis/enterprise/glue/${zone}/database-name`, `enterprise_${zone}`]),
        ['/cdk-bis/enterprise/query/workgroup-name', 'cdk-bis-enterprise'],
        [
          '/cdk-bis/enterprise/query/results-location',
          {
            'Fn::Join': ['', ['s3://', { Ref: lake.idOf(lake.stack.lake.queryResultsBucket) }, '/results/']],
          },
        ],
      ]),
    );
  });

  test('enforceConfiguration: false really renders false', () => {
    const open = synthLake({ query: { enforceConfiguration: false } });
    expect(configurationOf(open.template).EnforceWorkGroupConfiguration).toBe(false);
  });

  test('the cutoff takes a Size or a number of bytes', () => {
    const bySize = synthLake({ query: { bytesScannedCutoffPerQuery: Size.gibibytes(1) } });
    expect(configurationOf(bySize.template).BytesScannedCutoffPerQuery).toBe(1024 ** 3);
    const byBytes = synthLake({ query: { bytesScannedCutoffPerQuery: 50_000_000 } });
    expect(configurationOf(byBytes.template).BytesScannedCutoffPerQuery).toBe(50_000_000);
  });

  test("a cutoff under Athena's 10 MB minimum is refused with the minimum", () => {
    expect(() => synthLake({ query: { bytesScannedCutoffPerQuery: Size.mebibytes(5) } })).toThrow(
      /query\.bytesScannedCutoffPerQuery must be a whole number of bytes, at least 10000000 .*got 5242880/,
    );
  });

  test('a destroyable lake lets its workgroup go, saved queries included', () => {
    const doomed = synthLake(
      { removalPolicy: RemovalPolicy.DESTROY },
      { 'cdk-bis:allowDataDestruction': true },
    );
    const group = workGroupOf(doomed.template);
    expect(group.DeletionPolicy).toBe('Delete');
    expect((group.Properties as Record<string, unknown>).RecursiveDeleteOption).toBe(true);
  });
});

describe('DataLake.grantQuery', () => {
  const stack = new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' });
  const role = new iam.Role(stack, 'Analyst', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  const grant = stack.lake.grantQuery(role);
  const statements = statementsOf(stack, role);
  const resultsArn = {
    'Fn::GetAtt': [stack.getLogicalId(stack.lake.queryResultsBucket.node.defaultChild as never), 'Arn'],
  };
  const databases = ZONES.map((zone) => `enterprise_${zone}`);

  test('query grantee gets the workgroup, the results prefix, the key through S3 and Glue read, exactly', () => {
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
        ],
        Resource: arnInStack('athena', ':workgroup/cdk-bis-enterprise'),
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: { 'Fn::Join': ['', [resultsArn, '/results/*']] },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: resultsArn,
        Condition: { StringLike: { 's3:prefix': ['results/*', 'results/'] } },
      },
      { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: resultsArn },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(stack.lake.key.node.defaultChild as never), 'Arn'] },
        Condition: VIA_S3_IN_STACK_REGION,
      },
      {
        Effect: 'Allow',
        Action: GLUE_READ_ACTIONS,
        Resource: [
          arnInStack('glue', ':catalog'),
          ...databases.map((database) => arnInStack('glue', `:database/${database}`)),
          ...databases.map((database) => arnInStack('glue', `:table/${database}/*`)),
        ],
      },
    ]);
    expect(grant.success).toBe(true);
  });

  test('query grantee cannot read any zone: no zone bucket is named, and no resource is *', () => {
    const text = JSON.stringify(statements);
    for (const zone of ZONES) {
      expect(text).not.toContain(stack.getLogicalId(stack.lake.bucket(zone).node.defaultChild as never));
    }
    const resources = statements.flatMap((statement) =>
      Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
    );
    expect(resources).not.toContain('*');
  });
});

describe('DataLakeContract.grantQuery', () => {
  test('works from an application stack with no Fn::ImportValue, on the contract parameters', () => {
    const app = lakeApp();
    new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
    const stack = new Stack(app, 'Reports');
    const role = new iam.Role(stack, 'Analyst', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    const lake = DataLakeContract.fromLakeName(stack, 'Lake', 'enterprise');
    lake.grantQuery(role);
    app.synth();
    const template = Template.fromStack(stack).toJSON();
    expect(JSON.stringify(template)).not.toContain('Fn::ImportValue');
    expect(stack.dependencies).toEqual([]);
    const parameters = Object.entries(template.Parameters as Record<string, { Default: string }>);
    const ref = (entry: string): unknown => {
      const found = parameters.filter(
        ([, parameter]) => parameter.Default === `/cdk-bis/enterprise/${entry}`,
      );
      expect(found).toHaveLength(1);
      return { Ref: found[0][0] };
    };
    const statements = statementsOf(stack, role);
    expect(statements[0].Resource).toEqual(arnInStack('athena', ':workgroup/', ref('query/workgroup-name')));
    expect(statements[1].Resource).toEqual({
      'Fn::Join': ['', [ref('query-results/bucket-arn'), '/results/*']],
    });
    expect(statements[4].Resource).toEqual(ref('key-arn'));
    expect(statements[5].Resource).toEqual([
      arnInStack('glue', ':catalog'),
      ...ZONES.map((zone) => arnInStack('glue', ':database/', ref(`glue/${zone}/database-name`))),
      ...ZONES.map((zone) => arnInStack('glue', ':table/', ref(`glue/${zone}/database-name`), '/*')),
    ]);
    expect(JSON.stringify(statements)).not.toContain('zones/');
  });
});

describe('LakeCatalog on its own, (scope, id, props)', () => {
  const required = {
    lakeName: 'finance-lake',
    keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/5f0c8a3e-2b7d-4c19-9e64-a1d2b3c4e5f6',
    queryResultsBucketName: 'finance-results',
  };

  test('with only the required props: retained, enforced, 10 GiB cutoff, results under results/', () => {
    const stack = new Stack(lakeApp(), 'Catalogs');
    const catalog = new LakeCatalog(stack, 'Catalog', required);
    const template = Template.fromStack(stack);
    for (const zone of ZONES) {
      expect(template.toJSON().Resources[stack.getLogicalId(catalog.databases[zone])]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { DatabaseInput: { Name: `finance_lake_${zone}` } },
      });
    }
    expect(workGroupOf(template)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(workGroupOf(template).Properties).toMatchObject({
      Name: 'cdk-bis-finance-lake',
      RecursiveDeleteOption: false,
    });
    expect(configurationOf(template)).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
      ResultConfiguration: {
        OutputLocation: 's3://finance-results/results/',
        EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: required.keyArn },
      },
    });
    expect(catalog.resultsLocation).toBe('s3://finance-results/results/');
  });

  test('DESTROY needs the destruction flag, as the lake does', () => {
    const refused = () =>
      new LakeCatalog(new Stack(lakeApp(), 'Catalogs'), 'Catalog', {
        ...required,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    expect(refused).toThrow(/context flag 'cdk-bis:allowDataDestruction' set to true/);
    const allowed = new Stack(lakeApp({ [ALLOW_DATA_DESTRUCTION_CONTEXT]: true }), 'Catalogs');
    new LakeCatalog(allowed, 'Catalog', { ...required, removalPolicy: RemovalPolicy.DESTROY });
    expect(workGroupOf(Template.fromStack(allowed))).toMatchObject({ DeletionPolicy: 'Delete' });
  });

  test('SNAPSHOT and a bad lake name are refused, naming the catalog', () => {
    expect(
      () =>
        new LakeCatalog(new Stack(lakeApp(), 'Catalogs'), 'Catalog', {
          ...required,
          removalPolicy: RemovalPolicy.SNAPSHOT,
        }),
    ).toThrow(
      "DataLake 'finance-lake' (Catalogs/Catalog): removalPolicy SNAPSHOT is not supported by Glue databases or Athena workgroups.",
    );
    expect(
      () =>
        new LakeCatalog(new Stack(lakeApp(), 'Catalogs'), 'Catalog', { ...required, lakeName: 'Finance' }),
    ).toThrow(`DataLake 'Finance' (Catalogs/Catalog): lakeName "Finance" is invalid`);
  });
});
