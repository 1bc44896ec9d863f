import { type App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BisChecks } from '../../../policies/bis-checks';
import {
  CONTRACT_VERSION,
  contractParameterName,
  DataLake,
  DataLakeContract,
  DataLakeStack,
  KINDS,
  ZONES,
} from '../../../lib/data-lake';
import { arnInStack, GLUE_READ_ACTIONS, lakeApp, synthLake, VIA_S3_IN_STACK_REGION } from './lake-fixture';
import { rolePolicyStatements } from '../../support';

/** An application stack whose function reads curated/structured through the contract. */
function contractReader(app: App, id = 'Orders'): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(app, id);
  const fn = new lambda.Function(stack, 'Reader', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  DataLakeContract.fromLakeName(stack, 'Lake', 'enterprise').grantRead(fn, {
    zones: ['curated'],
    kinds: ['structured'],
  });
  return { stack, fn };
}

/** The statements of the function role's identity policy. */
function roleStatements(stack: Stack): Record<string, unknown>[] {
  return rolePolicyStatements(Template.fromStack(stack));
}

/** The CloudFormation parameter that reads a contract entry, by its SSM name. */
function parameterFor(stack: Stack, entry: string): string {
  const parameters = Template.fromStack(stack).toJSON().Parameters as Record<
    string,
    { Type: string; Default: string }
  >;
  const name = contractParameterName('enterprise', entry);
  const found = Object.entries(parameters).filter(([, parameter]) => parameter.Default === name);
  expect(found).toHaveLength(1);
  expect(found[0][1].Type).toBe('AWS::SSM::Parameter::Value<String>');
  return found[0][0];
}

describe('the published contract', () => {
  const lake = synthLake();
  const dataLake = lake.stack.lake;

  const expected: [string, unknown][] = [
    ['contract-version', CONTRACT_VERSION],
    ['key-arn', { 'Fn::GetAtt': [lake.idOf(dataLake.key), 'Arn'] }],
    ...ZONES.flatMap((zone): [string, unknown][] => [
      [`zones/${zone}/bucket-name`, { Ref: lake.idOf(dataLake.bucket(zone)) }],
      [`zones/${zone}/bucket-arn`, { 'Fn::GetAtt': [lake.idOf(dataLake.bucket(zone)), 'Arn'] }],
    ]),
    ...KINDS.map((kind): [string, unknown] => [`kinds/${kind}/prefix`, `${kind}/`]),
    ['query-results/bucket-name', { Ref: lake.idOf(dataLake.queryResultsBucket) }],
    ['query-results/bucket-arn', { 'Fn::GetAtt': [lake.idOf(dataLake.queryResultsBucket), 'Arn'] }],
    ...ZONES.map((zone): [string, unknown] => [`glue/${zone}/database-name`, `enterprise_${zone}`]),
    ['query/workgroup-name', 'cdk-bis-enterprise'],
    [
      'query/results-location',
      { 'Fn::Join': ['', ['s3://', { Ref: lake.idOf(dataLake.queryResultsBucket) }, '/results/']] },
    ],
  ];

  test.each(expected)('publishes /cdk-bis/enterprise/%s as a standard String parameter', (entry, value) => {
    lake.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/cdk-bis/enterprise/${entry}`,
      Type: 'String',
      Tier: 'Standard',
      Value: value,
    });
  });

  test('publishes nothing else, and no CloudFormation export', () => {
    expect(Object.keys(lake.template.findResources('AWS::SSM::Parameter'))).toHaveLength(expected.length);
    expect(lake.template.toJSON().Outputs).toBeUndefined();
  });

  test('contract-version is 1', () => {
    expect(CONTRACT_VERSION).toBe('1');
  });
});

describe('DataLakeContract.fromLakeName', () => {
  test('an application stack reading through the contract has no Fn::ImportValue and no dependency on the lake', () => {
    const app = lakeApp();
    new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
    const { stack } = contractReader(app);
    app.synth();
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('Fn::ImportValue');
    expect(stack.dependencies).toEqual([]);
  });

  test('its grants are the lake grants, built on the contract parameters', () => {
    const { stack } = contractReader(lakeApp());
    const curatedArn = { Ref: parameterFor(stack, 'zones/curated/bucket-arn') };
    expect(roleStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [curatedArn, '/structured/*']] },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: curatedArn,
        Condition: { StringLike: { 's3:prefix': ['structured/*', 'structured/'] } },
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { Ref: parameterFor(stack, 'key-arn') },
        Condition: VIA_S3_IN_STACK_REGION,
      },
      {
        Effect: 'Allow',
        Action: GLUE_READ_ACTIONS,
        Resource: [
          arnInStack('glue', ':catalog'),
          arnInStack('glue', ':database/', { Ref: parameterFor(stack, 'glue/curated/database-name') }),
          arnInStack('glue', ':table/', { Ref: parameterFor(stack, 'glue/curated/database-name') }, '/*'),
        ],
      },
    ]);
  });

  test('reads each contract entry once per stack, however many grants use it', () => {
    const app = lakeApp();
    const stack = new Stack(app, 'Orders');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const lake = DataLakeContract.fromLakeName(stack, 'Lake', 'enterprise');
    lake.grantCurate(role);
    DataLakeContract.fromLakeName(stack, 'SameLake', 'enterprise').grantRead(role, {
      zones: ZONES,
      kinds: KINDS,
    });
    const parameters = Object.values(
      Template.fromStack(stack).toJSON().Parameters as Record<string, { Default: string }>,
    )
      .map((parameter) => parameter.Default)
      .filter((name) => name.startsWith('/cdk-bis/'));
    expect(parameters.sort()).toEqual(
      [
        'key-arn',
        ...ZONES.map((zone) => `zones/${zone}/bucket-arn`),
        ...ZONES.map((zone) => `glue/${zone}/database-name`),
      ]
        .map((entry) => `/cdk-bis/enterprise/${entry}`)
        .sort(),
    );
    // A dynamic reference per use would count against the template's limit of 60.
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('{{resolve:');
  });

  test('deleting or renaming the application stack leaves the lake template unchanged', () => {
    const lakeTemplate = (withApp?: string): unknown => {
      const app = lakeApp();
      const lake = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
      if (withApp) contractReader(app, withApp);
      const assembly = app.synth();
      return assembly.getStackByName(lake.stackName).template;
    };
    const withOrders = lakeTemplate('Orders');
    expect(lakeTemplate()).toEqual(withOrders);
    expect(lakeTemplate('OrdersRenamed')).toEqual(withOrders);
  });

  test('BIS-DI3 finds nothing in an application that reads through the contract', () => {
    const app = lakeApp();
    new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
    contractReader(app);
    app.synth();
    const di3 = new BisChecks(undefined).evaluate(app).filter((finding) => finding.rule.id === 'BIS-DI3');
    expect(di3.map((finding) => `${finding.resource.path}: ${finding.message}`)).toEqual([]);
  });

  test('by contrast, granting from the lake construct itself couples the stacks (what BIS-DI3 catches)', () => {
    const app = lakeApp();
    const lakeStack = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
    const stack = new Stack(app, 'Orders');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    lakeStack.lake.grantRead(role, { zones: ['curated'], kinds: ['structured'] });
    app.synth();
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('Fn::ImportValue');
    expect(stack.dependencies).toEqual([lakeStack]);
    const di3 = new BisChecks(undefined).evaluate(app).filter((finding) => finding.rule.id === 'BIS-DI3');
    expect(di3.length).toBeGreaterThan(0);
  });

  test('refuses an invalid lake name and an unknown zone', () => {
    const stack = new Stack(lakeApp(), 'Orders');
    expect(() => DataLakeContract.fromLakeName(stack, 'Bad', 'Enterprise')).toThrow(
      /DataLake 'Enterprise' \(Orders\/Bad\): lakeName "Enterprise" is invalid/,
    );
    const lake = DataLakeContract.fromLakeName(stack, 'Lake', 'enterprise');
    expect(() => lake.zoneBucketArn('gold' as never)).toThrow(
      `DataLake 'enterprise' (Orders/Lake): unknown zone "gold". Use one of: landing, raw, curated.`,
    );
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => lake.grantRead(role, { zones: ['gold' as never], kinds: ['structured'] })).toThrow(
      `DataLake 'enterprise' (Orders/Lake): grantRead: unknown zone "gold". Use one of: landing, raw, curated.`,
    );
  });
});

describe('DataLake.fromLakeName', () => {
  /** The template of an application stack that imports the lake with `importer` and reads from it. */
  function applicationImportingWith(importer: typeof DataLake.fromLakeName): unknown {
    const stack = new Stack(lakeApp(), 'Orders');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const lake = importer(stack, 'Lake', 'enterprise');
    lake.grantRead(role, { zones: ['curated'], kinds: ['structured', 'documents'] });
    lake.grantQuery(role);
    return Template.fromStack(stack).toJSON();
  }

  test('is the same importer as DataLakeContract.fromLakeName: the same template, the same contract reader', () => {
    const stack = new Stack(lakeApp(), 'Orders');
    expect(DataLake.fromLakeName(stack, 'Lake', 'enterprise')).toBeInstanceOf(DataLakeContract);
    expect(applicationImportingWith(DataLake.fromLakeName)).toEqual(
      applicationImportingWith(DataLakeContract.fromLakeName),
    );
  });

  test('imports through the contract parameters, with no reference to a lake stack', () => {
    const template = JSON.stringify(applicationImportingWith(DataLake.fromLakeName));
    expect(template).toContain(contractParameterName('enterprise', 'zones/curated/bucket-arn'));
    expect(template).not.toContain('Fn::ImportValue');
  });
});
